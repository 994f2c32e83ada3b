import { markdownText, table } from "../report/markdown.js";
import type { HistoryEntry } from "./rollout/history.js";

const DAY_MS = 86_400_000;

/**
 * The four delivery metrics (DORA) over a service's rollout history in one environment. A change is
 * one rollout of a revision; a failed change is one that aborted (by analysis, readiness, a person,
 * or superseded). Times are milliseconds; a median is undefined when nothing was measured.
 */
export interface DeliveryMetrics {
  service: string;
  environment: string;
  /** The period: from the first rollout counted (or the window's start) to `until`. */
  from: number;
  until: number;
  rollouts: number;
  promoted: number;
  aborted: number;
  /** Promoted rollouts per day over the period (at least one day long). */
  deploymentsPerDay: number;
  /** Commit time to promoted, over the promoted rollouts that recorded their commit time. */
  leadTime: { medianMs?: number; measured: number };
  /** aborted / rollouts; undefined with no rollout. */
  changeFailureRate?: number;
  /** A failed rollout's start to the stable serving all traffic again (the abort finished). */
  timeToRestore: { medianMs?: number; measured: number };
}

export function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The metrics over the rollouts that finished in the last `windowDays` days before `now` (all of them without a window). */
export function deliveryMetrics(history: HistoryEntry[], context: { service: string; environment: string; now: number; windowDays?: number }): DeliveryMetrics {
  const start = context.windowDays === undefined ? -Infinity : context.now - context.windowDays * DAY_MS;
  const counted = history.filter((h) => h.finishedAt >= start && h.finishedAt <= context.now);
  const promoted = counted.filter((h) => h.outcome === "promoted");
  const aborted = counted.filter((h) => h.outcome === "aborted");
  const from = Number.isFinite(start) ? start : Math.min(context.now, ...counted.map((h) => h.startedAt));
  const days = Math.max(1, (context.now - from) / DAY_MS);
  const leads = promoted.flatMap((h) => (h.committedAt === undefined ? [] : [Math.max(0, h.finishedAt - h.committedAt)]));
  const restores = aborted.map((h) => h.finishedAt - h.startedAt);
  return {
    service: context.service,
    environment: context.environment,
    from,
    until: context.now,
    rollouts: counted.length,
    promoted: promoted.length,
    aborted: aborted.length,
    deploymentsPerDay: promoted.length / days,
    leadTime: { ...optional(median(leads)), measured: leads.length },
    ...(counted.length > 0 ? { changeFailureRate: aborted.length / counted.length } : {}),
    timeToRestore: { ...optional(median(restores)), measured: restores.length },
  };
}

function optional(medianMs: number | undefined): { medianMs?: number } {
  return medianMs === undefined ? {} : { medianMs };
}

/** "3d 4h", "2h 5m", "4m 10s", "12s": the two largest units. */
export function humanDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const parts: [number, string][] = [
    [Math.floor(s / 86_400), "d"],
    [Math.floor((s % 86_400) / 3600), "h"],
    [Math.floor((s % 3600) / 60), "m"],
    [s % 60, "s"],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  if (first === -1) return "0s";
  return parts
    .slice(first, first + 2)
    .filter(([n]) => n > 0)
    .map(([n, u]) => `${n}${u}`)
    .join(" ");
}

/** The metrics as Markdown for a job summary: one table, each metric with how it was measured. */
export function deliveryMarkdown(m: DeliveryMetrics): string {
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  const rows = [
    [
      "Deployment frequency",
      `${m.deploymentsPerDay.toFixed(2)} per day`,
      `${m.promoted} promoted rollout(s) over ${Math.max(1, Math.round((m.until - m.from) / DAY_MS))} day(s)`,
    ],
    [
      "Lead time for changes",
      m.leadTime.medianMs === undefined ? "not measured" : humanDuration(m.leadTime.medianMs),
      `median, commit to promoted, over ${m.leadTime.measured} rollout(s) that recorded their commit time`,
    ],
    [
      "Change failure rate",
      m.changeFailureRate === undefined ? "no rollout" : `${(m.changeFailureRate * 100).toFixed(1)}%`,
      `${m.aborted} aborted of ${m.rollouts} rollout(s)`,
    ],
    [
      "Time to restore",
      m.timeToRestore.medianMs === undefined ? "no failure" : humanDuration(m.timeToRestore.medianMs),
      `median, a failed rollout's start to the stable serving all traffic again, over ${m.timeToRestore.measured} failure(s)`,
    ],
  ];
  return [
    `## Delivery metrics of ${markdownText(m.service)} in ${markdownText(m.environment)}`,
    "",
    `From ${Number.isFinite(m.from) && m.rollouts > 0 ? day(m.from) : day(m.until)} to ${day(m.until)}, from the rollout history Gantry keeps on the service.`,
    "",
    table(["Metric", "Value", "How"], rows),
    "",
  ].join("\n");
}
