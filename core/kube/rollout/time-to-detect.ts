import { formatDurationMs } from "../../duration.js";
import type { Environment } from "../config/types.js";

/** How long a bad canary can serve users before Gantry sends every request back to stable. */
export interface TimeToDetect {
  /** The worst case in milliseconds; undefined when nothing measures the new version automatically. */
  worstMs?: number;
  /** The sum spelled out, or why there is none. */
  explanation: string;
}

/**
 * The worst case, under the environment's settings, from a bad canary's first request to 100% of the
 * traffic on stable, for a canary that fails every measurement (it is bad from its first request).
 * The canary gets its first request once the first setWeight (or match) step is reached. Then come the timed pauses
 * before the first analysis step, and that step's measurements: the first is taken `interval` after
 * the step starts, one every `interval` after, and the (failureLimit + 1)th failed one aborts. The
 * loop notices within one poll; moving the weight back to 0 is its next action. (The replica router
 * also waits for the stable's pods to come back; that depends on the pods, not on the settings.)
 */
export function timeToDetect(env: Environment, pollMs: number): TimeToDetect {
  const s = env.strategy;
  if (s.kind === "rolling")
    return { explanation: "never automatic: a rolling update is not measured (only pods that are not ready within progressDeadline roll it back)" };
  if (s.kind === "blueGreen") {
    return {
      explanation: `no user reaches the new colour before the switch${s.prePromotionAnalysis ? " (it is measured through its preview Service first)" : ""}; after the switch nothing measures it, and the old colour stays up ${formatDurationMs(s.scaleDownDelayMs)} for a switch back by hand`,
    };
  }
  const first = s.steps.findIndex((step) => "setWeight" in step || "match" in step);
  let pausedMs = 0;
  for (const step of s.steps.slice(first + 1)) {
    if ("setWeight" in step || "match" in step) continue;
    if ("pause" in step) {
      if (step.pause.durationMs === undefined)
        return { explanation: "until someone promotes or aborts by hand: a pause without a duration comes before any analysis step" };
      pausedMs += step.pause.durationMs;
      continue;
    }
    const { intervalMs, failureLimit } = step.analysis;
    const measuringMs = (failureLimit + 1) * intervalMs;
    const parts = [
      ...(pausedMs > 0 ? [`${formatDurationMs(pausedMs)} of pauses`] : []),
      `(failureLimit ${failureLimit} + 1) x interval ${formatDurationMs(intervalMs)}`,
      `one poll ${formatDurationMs(pollMs)}`,
    ];
    const worstMs = pausedMs + measuringMs + pollMs;
    return { worstMs, explanation: `${formatDurationMs(worstMs)} = ${parts.join(" + ")}` };
  }
  return { explanation: "never automatic: no analysis step measures the canary once it has traffic" };
}
