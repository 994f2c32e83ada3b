import { formatDurationMs } from "../duration.js";
import { markdownCode, markdownText, table } from "../report/markdown.js";
import type { Check, MeasurementOutcome } from "./analysis/verdict.js";
import type { Delivery } from "./notify/delivery.js";
import type { Outcome } from "./rollout/actions.js";
import type { TimeToDetect } from "./rollout/time-to-detect.js";
import type { ObservedDeployment } from "./rollout/observed.js";

/** refused: the environment's policies refused the deploy before anything was applied. */
export type Verdict = Outcome | "paused" | "interrupted" | "refused" | "error";

/** What one run of the rollout loop did and measured. */
export interface RolloutReport {
  service: string;
  namespace: string;
  environment: string;
  strategy: string;
  image: string;
  revision: string;
  verdict: Verdict;
  reason: string;
  startedAt: number;
  finishedAt: number;
  /** Every action taken (waits left out), with the canary weight it set when it set one. */
  actions: { at: number; kind: string; reason: string; weight?: number }[];
  measurements: Measurement[];
  /** The worst case from a bad canary's first request to stable at 100%, under the environment's settings. */
  timeToDetect?: TimeToDetect;
  /** Where the time went: kubectl calls, waits and sleeps, and the rest (Gantry's own work). */
  timings: { totalMs: number; kubectlMs: number; waitMs: number; kubectlCalls: number };
  /** The service's Deployments as the cluster reported them after the run (workloadLines); read by the caller. */
  workloads?: string[];
  /** What ran before the rollout (the stable's image), when it replaced something. */
  previousImage?: string;
  /** The run gave up waiting (its timeout): announced as a stuck rollout. */
  stuck?: boolean;
  /** The message this run announced (once per outcome), and the commands it gave. */
  notification?: { event: string; commands: { promote?: string; abort?: string; status: string } };
  /** Each delivery of the notification and of the step marks (Grafana, Pushgateway), failed ones included. */
  deliveries?: Delivery[];
  /** The last step as Prometheus text exposition (release-metrics.ts), for the job to upload. */
  exposition?: string;
  /** Markdown of what ran before this rollout in the same call (the pipeline's stages, the embedded demo's stable rollout), shown after it. */
  earlier?: string[];
}

export interface Measurement {
  at: number;
  step: number;
  track: string;
  ok: boolean;
  /** pass, fail, inconclusive (too few requests) or error (Prometheus could not answer). */
  outcome: MeasurementOutcome;
  checks: Check[];
}

/**
 * One line per Deployment, sorted: `deployment/<name> image=<ref> revision=<rev> ready=<ready>/<desired>`.
 * The revision tells two rollouts of one image apart (their config or pod spec differ).
 */
export function workloadLines(deployments: Record<string, ObservedDeployment>): string[] {
  return Object.values(deployments)
    .map((d) => `deployment/${d.name} image=${d.image ?? "none"} revision=${d.revision ?? "none"} ready=${d.readyReplicas}/${d.specReplicas}`)
    .sort();
}

/** A rollout succeeded when it promoted, or found its revision already running. */
export function rolloutSucceeded(verdict: Verdict | string): boolean {
  return verdict === "promoted" || verdict === "unchanged";
}

/** The weights the canary was given, in order. */
export function weightsOf(report: RolloutReport): number[] {
  return report.actions.flatMap((a) => (a.weight === undefined ? [] : [a.weight]));
}

const ICON: Record<Verdict, string> = { promoted: "✅", unchanged: "✅", aborted: "❌", paused: "⏸️", interrupted: "⚠️", refused: "🛑", error: "❌" };

/** A Markdown summary (GitHub job summary, GitLab note). Every text from outside is shown literally (HTML and Markdown escaped). */
export function rolloutMarkdown(r: RolloutReport): string {
  const t = (at: number) => `+${formatDurationMs(Math.round((at - r.startedAt) / 1000) * 1000)}`;
  const out = [
    `## Rollout of ${markdownText(r.service)} to ${markdownText(r.environment)}`,
    "",
    `${ICON[r.verdict]} **${r.verdict}**: ${markdownText(r.reason)}`,
    "",
    `Strategy ${markdownText(r.strategy)}, namespace ${markdownCode(r.namespace)}, image ${markdownCode(r.image)}, revision ${markdownCode(r.revision)}, ${formatDurationMs(Math.round(r.timings.totalMs / 1000) * 1000)}.`,
    "",
    ...(r.timeToDetect ? [`Time to detect a bad canary (worst case, first request to stable at 100%): ${markdownText(r.timeToDetect.explanation)}.`, ""] : []),
  ];
  if (r.actions.length > 0) {
    out.push(
      "### Steps",
      "",
      table(
        ["When", "Action", "Weight", "Why"],
        r.actions.map((a) => [t(a.at), a.kind, a.weight === undefined ? "" : `${a.weight}%`, markdownText(a.reason)]),
      ),
      "",
    );
  }
  if (r.measurements.length > 0) {
    const rows = r.measurements.flatMap((m) =>
      m.checks.map((c) => [
        t(m.at),
        String(m.step),
        markdownText(m.track),
        markdownText(c.name),
        markdownText(c.detail),
        markdownText(c.expected),
        c.ok ? "✅" : c.kind === "inconclusive" ? "❔ inconclusive" : c.kind === "error" ? "⚠️ error" : "❌",
      ]),
    );
    out.push("### Measurements", "", table(["When", "Step", "Track", "Check", "Measured", "Limit", "Pass"], rows), "");
  }
  if (r.notification) {
    const c = r.notification.commands;
    const lines = [
      ...(c.promote ? [`- Promote: ${markdownCode(c.promote)}`] : []),
      ...(c.abort ? [`- Abort: ${markdownCode(c.abort)}`] : []),
      `- Status: ${markdownCode(c.status)}`,
    ];
    out.push("### What next", "", ...lines, "");
  }
  if (r.deliveries && r.deliveries.length > 0) {
    const rows = deliverySummary(r.deliveries).map((d) => [markdownText(d.target), `${d.delivered}/${d.total}`, markdownText(d.failures.join("; "))]);
    out.push("### Notifications and release marks", "", table(["Target", "Delivered", "Failures"], rows), "");
  }
  if (r.workloads && r.workloads.length > 0) out.push("### Afterwards", "", ...r.workloads.map((w) => `- ${markdownCode(w)}`), "");
  for (const section of r.earlier ?? []) out.push(section.replace(/^## /gm, "### Before: "), "");
  return out.join("\n");
}

/** Deliveries by target: how many arrived, and why the others did not (each reason once). */
export function deliverySummary(deliveries: Delivery[]): { target: string; delivered: number; total: number; failures: string[] }[] {
  const by = new Map<string, Delivery[]>();
  for (const d of deliveries) by.set(d.target, [...(by.get(d.target) ?? []), d]);
  return [...by].map(([target, ds]) => ({
    target,
    delivered: ds.filter((d) => d.ok).length,
    total: ds.length,
    failures: [...new Set(ds.filter((d) => !d.ok).map((d) => d.detail))],
  }));
}
