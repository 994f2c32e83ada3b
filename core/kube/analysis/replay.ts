// `analyze`: an environment's analysis replayed against Prometheus over a past window, before it can
// roll back production (Argo Rollouts' dry-run, its issue 1617; tune thresholds on past data). The
// measurements are taken at the moments a rollout would have taken them, with the same queries,
// checks and limits; nothing in the cluster is read or changed.
import { ArgumentError, GantryError } from "../../errors.js";
import type { AnalysisRun, Environment } from "../config/types.js";
import { analysisVerdict, counted, startOfAnalysis } from "../rollout/analysis-step.js";
import { measureMetrics } from "./measure.js";
import { measurementOutcome, type Check, type MeasurementOutcome } from "./verdict.js";

/** A past moment (`at`), or a window whose start is when the analysis step would have started. */
export type ReplayWindow = { at: number } | { from: number; to: number };

export interface ReplayedMeasurement {
  /** Epoch milliseconds. */
  at: number;
  outcome: MeasurementOutcome;
  checks: Check[];
}

export interface Replay {
  service: string;
  namespace: string;
  track: string;
  run: AnalysisRun;
  measurements: ReplayedMeasurement[];
  /** What the rollout would have done. */
  decision: "would promote" | "would roll back" | "undecided";
  reason: string;
}

/** The analysis a rollout of the environment runs first: its first analysis step, else the analysis defaults. */
export function firstAnalysisRun(env: Environment): AnalysisRun {
  if (!env.analysis) throw new GantryError(`environment ${env.name} has no analysis section: nothing to replay`);
  const s = env.strategy;
  if (s.kind === "canary") {
    const step = s.steps.find((st) => "analysis" in st);
    if (step && "analysis" in step) return step.analysis;
  }
  if (s.kind === "blueGreen" && s.prePromotionAnalysis) return s.prePromotionAnalysis;
  return env.analysis.run;
}

/**
 * Measures the track at each moment a rollout would have (one interval into the window, then one
 * every interval, until the verdict or the window's end; or once, at `at`), and says what the
 * rollout would have decided. Smoke checks are live requests and are not replayed.
 */
export async function replayAnalysis(
  env: Environment,
  service: string,
  window: ReplayWindow,
  query: (promql: string, atSeconds: number) => Promise<string>,
  track = "canary",
): Promise<Replay> {
  const analysis = env.analysis;
  if (!analysis) throw new GantryError(`environment ${env.name} has no analysis section: nothing to replay`);
  const run = firstAnalysisRun(env);
  const moments = "at" in window ? [window.at] : measurementTimes(window.from, window.to, run.intervalMs);
  const replay: Replay = { service, namespace: env.namespace, track, run, measurements: [], decision: "undecided", reason: "" };
  let progress = startOfAnalysis("at" in window ? window.at : window.from);
  let last: string | undefined;
  for (const at of moments) {
    const checks = await measureMetrics(analysis, { service, namespace: env.namespace, track }, (promql) => query(promql, at / 1000));
    const outcome = measurementOutcome(checks);
    replay.measurements.push({ at, outcome, checks });
    progress = counted(progress, outcome, at);
    if (outcome !== "pass")
      last = checks
        .filter((c) => !c.ok)
        .map((c) => `${c.name} ${c.detail}`)
        .join("; ");
    const verdict = analysisVerdict(progress, run, last);
    if (verdict) return { ...replay, decision: verdict.passed ? "would promote" : "would roll back", reason: verdict.reason };
  }
  const needed = run.count - progress.taken;
  return {
    ...replay,
    reason: `the window ends before a verdict: ${progress.taken} of ${run.count} conclusive measurement(s) taken, ${needed} more needed (widen --to, or measure at a moment with --at)`,
  };
}

function measurementTimes(from: number, to: number, intervalMs: number): number[] {
  if (!(to > from)) throw new ArgumentError("to", "must be after --from");
  const step = Math.max(intervalMs, 1000);
  const times: number[] = [];
  for (let at = from + step; at <= to && times.length < 10_000; at += step) times.push(at);
  if (times.length === 0) throw new GantryError(`the window from --from to --to is shorter than one interval (${step / 1000}s): no measurement would be taken`);
  return times;
}

/** The replay for people: one line per measurement with each check's value and verdict, then the decision. */
export function replayText(r: Replay): string {
  const mark = (c: Check) => (c.ok ? "pass" : (c.kind ?? "fail"));
  const lines = [
    `analysis of ${r.service} (${r.track} track) in ${r.namespace}: every ${r.run.intervalMs / 1000}s, count ${r.run.count}, failureLimit ${r.run.failureLimit}, inconclusiveLimit ${r.run.inconclusiveLimit}, consecutiveErrorLimit ${r.run.consecutiveErrorLimit} (smoke checks are not replayed)`,
    ...r.measurements.map(
      (m) => `${new Date(m.at).toISOString()} ${m.outcome}: ${m.checks.map((c) => `${c.name} ${c.detail} (${c.expected}) ${mark(c)}`).join("; ")}`,
    ),
    `decision: ${r.decision}: ${r.reason}`,
  ];
  return lines.join("\n");
}

/** The window the command line gives: --at alone, or --from with --to. */
export function replayWindow(given: { from: string; to: string; at: string }): ReplayWindow {
  if (given.at && !given.from && !given.to) return { at: parseMoment(given.at, "at") };
  if (!given.at && given.from && given.to) return { from: parseMoment(given.from, "from"), to: parseMoment(given.to, "to") };
  throw new ArgumentError("at", "give --at <moment> for one measurement, or --from <moment> --to <moment> for a window");
}

/** A moment given on the command line: RFC 3339 (2026-12-07T10:00:00Z) or Unix seconds. */
export function parseMoment(text: string, argument: string): number {
  const ms = /^\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : Number.NaN;
  if (!Number.isFinite(ms)) throw new ArgumentError(argument, `"${text}" is not a moment; give RFC 3339 (2026-12-07T10:00:00Z) or Unix seconds`);
  return ms;
}
