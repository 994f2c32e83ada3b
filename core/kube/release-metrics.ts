// The one place naming what a rollout publishes for dashboards: the Prometheus metrics of each step
// (pushed to a Pushgateway, or written as an exposition file the job uploads) and the tags of its
// Grafana annotations. Dashboards and alert rules read these names from here.

/** Labels every rollout series carries: which service, in which environment and namespace. */
export const RELEASE_LABELS = ["service", "environment", "namespace"] as const;

/** Phases of a rollout, a state set: the current one is 1, the others 0. */
export const ROLLOUT_PHASES = ["progressing", "promoting", "aborting", "completed", "aborted"] as const;
/** Verdicts of the latest step, a state set: a measurement's outcome, a gate, or the rollout's end. */
export const STEP_VERDICTS = ["progressing", "pass", "fail", "inconclusive", "error", "paused", "promoted", "aborted"] as const;
export type StepVerdict = (typeof STEP_VERDICTS)[number];

export const RELEASE_METRICS = {
  canaryWeight: { name: "gantry_rollout_canary_weight", help: "Share of the traffic the canary (or new colour) receives, percent." },
  step: { name: "gantry_rollout_step", help: "Index of the rollout's current step (canary steps; blue-green stages)." },
  phase: { name: "gantry_rollout_phase", help: "The rollout's phase: 1 for the current one (label phase), 0 for the others." },
  stepVerdict: { name: "gantry_rollout_step_verdict", help: "Verdict of the latest step: 1 for the current one (label verdict), 0 for the others." },
  stepTimestamp: { name: "gantry_rollout_step_timestamp_seconds", help: "When the latest step was recorded, Unix seconds." },
  info: { name: "gantry_rollout_info", help: "The revision and image being rolled out (always 1)." },
} as const;

/** Grafana annotation tags: every release annotation has `gantry`, and the service and environment as `key:value`. */
export const ANNOTATION_TAG = "gantry";
export const annotationTags = (service: string, environment: string, verdict: StepVerdict): string[] => [
  ANNOTATION_TAG,
  `service:${service}`,
  `environment:${environment}`,
  `verdict:${verdict}`,
];

/** One step of a rollout as dashboards see it: its time, weight and verdict. */
export interface StepMark {
  at: number;
  service: string;
  environment: string;
  namespace: string;
  revision: string;
  image: string;
  step: number;
  weight: number;
  phase: (typeof ROLLOUT_PHASES)[number];
  verdict: StepVerdict;
  /** For people: "step 2: weight 25% reached". */
  text: string;
}

/** A label value in the text exposition format: backslash, double quote and line feed escaped. */
function labelValue(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function labels(values: Record<string, string>): string {
  return `{${Object.entries(values)
    .map(([k, v]) => `${k}="${labelValue(v)}"`)
    .join(",")}}`;
}

/**
 * The mark as Prometheus' text exposition format (version 0.0.4), every metric a gauge with HELP
 * and TYPE: what a Pushgateway takes and what an uploaded .prom file holds.
 */
export function exposition(mark: StepMark): string {
  const base = { service: mark.service, environment: mark.environment, namespace: mark.namespace };
  const out: string[] = [];
  const gauge = (m: { name: string; help: string }, samples: [Record<string, string>, number][]) => {
    out.push(`# HELP ${m.name} ${m.help}`, `# TYPE ${m.name} gauge`, ...samples.map(([l, v]) => `${m.name}${labels({ ...base, ...l })} ${v}`));
  };
  gauge(RELEASE_METRICS.canaryWeight, [[{}, mark.weight]]);
  gauge(RELEASE_METRICS.step, [[{}, mark.step]]);
  gauge(
    RELEASE_METRICS.phase,
    ROLLOUT_PHASES.map((p) => [{ phase: p }, p === mark.phase ? 1 : 0]),
  );
  gauge(
    RELEASE_METRICS.stepVerdict,
    STEP_VERDICTS.map((v) => [{ verdict: v }, v === mark.verdict ? 1 : 0]),
  );
  gauge(RELEASE_METRICS.stepTimestamp, [[{}, Math.round(mark.at) / 1000]]);
  gauge(RELEASE_METRICS.info, [[{ revision: mark.revision, image: mark.image }, 1]]);
  return `${out.join("\n")}\n`;
}
