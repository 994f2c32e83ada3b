import { GantryError } from "../../errors.js";
import { DEFAULT_P99_QUERY, latencyQuantileQuery, renderQuery, trackQueries, type TrackQueries } from "../analysis/queries.js";
import type { AnalysisConfig, AnalysisRun, Environment, Strategy } from "../config/types.js";
import type { Track } from "../manifests/names.js";

/**
 * What the dashboard and the alert rules of one service in one environment are drawn from: its
 * tracks, the environment's analysis (thresholds, window) and, per track, the very PromQL the
 * rollout's measurements send.
 */
export interface ServiceView {
  service: string;
  environment: string;
  namespace: string;
  /** The tracks pods run in with this strategy, in the order the dashboard shows them. */
  tracks: Track[];
  analysis: AnalysisConfig;
  queries: Partial<Record<Track, TrackQueries>>;
  /** The longest a rollout of this environment runs when nothing is wrong (rolloutLimitMs). */
  rolloutLimitMs: number;
}

export function serviceView(service: string, env: Environment): ServiceView {
  if (!env.analysis) {
    throw new GantryError(
      `environment ${env.name} has no analysis section: the dashboard and the alerts draw its queries and thresholds (add analysis: {prometheus: ...} to environments.${env.name})`,
    );
  }
  const analysis = env.analysis;
  const tracks = tracksOf(env.strategy);
  const queries = Object.fromEntries(tracks.map((track) => [track, trackQueries(analysis, { service, namespace: env.namespace, track })]));
  return { service, environment: env.name, namespace: env.namespace, tracks, analysis, queries, rolloutLimitMs: rolloutLimitMs(env) };
}

/** A manual pause (no duration) waits for a person; past an hour the rollout counts as stuck. */
export const MANUAL_GATE_MS = 3_600_000;

/**
 * The longest a rollout can run with every step taking its full time: each new set of pods its
 * progress deadline, each pause its duration (a manual one MANUAL_GATE_MS), each analysis step every
 * measurement it may take (count, plus the inconclusive and erring ones it tolerates).
 */
export function rolloutLimitMs(env: Pick<Environment, "strategy" | "progressDeadlineMs">): number {
  const analysisMs = (run: AnalysisRun) => (run.count + run.inconclusiveLimit + run.consecutiveErrorLimit) * run.intervalMs;
  const strategy = env.strategy;
  if (strategy.kind === "rolling") return env.progressDeadlineMs;
  if (strategy.kind === "blueGreen") {
    return 2 * env.progressDeadlineMs + strategy.scaleDownDelayMs + (strategy.prePromotionAnalysis ? analysisMs(strategy.prePromotionAnalysis) : 0);
  }
  // The steps, then the promote: the stable Deployment rolled to the new revision.
  return strategy.steps.reduce((total, step) => {
    if ("setWeight" in step) return total + env.progressDeadlineMs;
    if ("pause" in step) return total + (step.pause.durationMs ?? MANUAL_GATE_MS);
    // A match step starts the canary's one pod, as a weight step does.
    if ("match" in step) return total + env.progressDeadlineMs;
    return total + analysisMs(step.analysis);
  }, env.progressDeadlineMs);
}

/** The tracks a strategy runs pods in: stable and canary, the two blue-green colours, or stable alone. */
export function tracksOf(strategy: Strategy): Track[] {
  if (strategy.kind === "canary") return ["stable", "canary"];
  if (strategy.kind === "blueGreen") return ["blue", "green"];
  return ["stable"];
}

/** The analysis queries of a track; every track of the view has them. */
export function queriesOf(view: ServiceView, track: Track): TrackQueries {
  const queries = view.queries[track];
  if (!queries) throw new GantryError(`${view.service} in ${view.environment} runs no ${track} track`);
  return queries;
}

/**
 * Latency quantiles shown next to the measured p99: the same histogram query at 0.5 and 0.9 when the
 * environment keeps the default p99 query. A custom p99 query has no known histogram to ask, so
 * then only the p99 the analysis measures is shown.
 */
export function extraLatencyQuantiles(view: ServiceView, track: Track): { quantile: number; expr: string }[] {
  if (view.analysis.queries.p99Latency !== DEFAULT_P99_QUERY) return [];
  const context = { service: view.service, namespace: view.namespace, track, window: view.analysis.window };
  return [0.5, 0.9].map((quantile) => ({ quantile, expr: renderQuery(latencyQuantileQuery(quantile), context) }));
}

/**
 * The share of requests the second track served (the canary, or the colour being switched to),
 * from the analysis's own request counts: the weight as users received it, whatever the traffic
 * router; no second-track series means no line. Gantry exposes no weight metric of its own, and kube-state-metrics sees replica counts,
 * not an Ingress annotation's or an HTTPRoute's weight.
 */
export function trafficShareQuery(view: ServiceView): string | undefined {
  if (view.tracks.length < 2) return undefined;
  const [first, second] = [queriesOf(view, view.tracks[0]!).requests, queriesOf(view, view.tracks[1]!).requests];
  // No series of the first track (all pods moved) is a share of 1, not no data.
  return `(${second}) / ((${second}) + ((${first}) or on() vector(0)))`;
}

/**
 * The tags of a release's Grafana annotations (a rollout step, a promote, an abort): the
 * dashboard's annotation query and its releases panel select them, whatever posts them.
 */
export function releaseAnnotationTags(view: Pick<ServiceView, "service" | "environment">): string[] {
  return ["gantry", `service:${view.service}`, `environment:${view.environment}`];
}
