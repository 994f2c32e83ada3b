import type { MeasurementOutcome } from "../analysis/verdict.js";
import type { AnalysisRun } from "../config/types.js";
import { save, type Action } from "./actions.js";
import { aborting, nextStep } from "./start.js";
import type { AnalysisProgress, RolloutState } from "./state.js";

/** The measurements of a step so far, with one more counted: only pass and fail are conclusive; an error breaks no run of errors but an answer does. */
export function counted(a: AnalysisProgress, outcome: MeasurementOutcome, at: number): AnalysisProgress {
  const conclusive = outcome === "pass" || outcome === "fail";
  return {
    taken: a.taken + (conclusive ? 1 : 0),
    failed: a.failed + (outcome === "fail" ? 1 : 0),
    inconclusive: a.inconclusive + (outcome === "inconclusive" ? 1 : 0),
    errorsInARow: outcome === "error" ? a.errorsInARow + 1 : 0,
    lastAt: at,
  };
}

export function startOfAnalysis(at: number): AnalysisProgress {
  return { taken: 0, failed: 0, inconclusive: 0, errorsInARow: 0, lastAt: at };
}

/**
 * What the measurements so far decide, or undefined to measure again. Every limit is checked before
 * a pass, so a last bad measurement never counts as one: failures over failureLimit, inconclusive
 * measurements over inconclusiveLimit, provider errors in a row over consecutiveErrorLimit (defaults
 * fail closed: a canary nobody can measure rolls back, and the reason says which it was); `count`
 * conclusive measurements pass. `last` is the last problem seen.
 */
export function analysisVerdict(a: AnalysisProgress, run: AnalysisRun, last?: string): { passed: boolean; reason: string } | undefined {
  const why = last ? `: ${last}` : "";
  if (a.failed > run.failureLimit) return { passed: false, reason: `analysis failed${why || `: ${a.failed} failed measurement(s)`}` };
  if (a.inconclusive > run.inconclusiveLimit)
    return {
      passed: false,
      reason: `analysis inconclusive: ${a.inconclusive} measurement(s) without enough requests, over the limit ${run.inconclusiveLimit}${why}`,
    };
  if (a.errorsInARow > run.consecutiveErrorLimit)
    return {
      passed: false,
      reason: `analysis could not measure: ${a.errorsInARow} provider error(s) in a row, over the limit ${run.consecutiveErrorLimit}${why}`,
    };
  if (a.taken >= run.count)
    return {
      passed: true,
      reason: `analysis passed (${a.taken} measurement(s), ${a.failed} failed${a.inconclusive ? `, ${a.inconclusive} inconclusive` : ""})`,
    };
  return undefined;
}

/**
 * One analysis step, the same for a canary and a blue-green preview: the verdict of the
 * measurements so far, else the next one `intervalMs` after the step started or after the previous one.
 */
export function analysisStep(
  state: RolloutState,
  run: AnalysisRun,
  now: number,
  target: { track: string; smokeService: string; metrics: boolean; label: string },
): Action {
  const a = state.analysis ?? startOfAnalysis(state.stepStartedAt);
  const verdict = analysisVerdict(a, run, state.message);
  if (verdict?.passed) return save(nextStep(state, now), `${target.label}: ${verdict.reason}`);
  if (verdict) return save(aborting(state, now, verdict.reason), `${target.label}: ${verdict.reason.split(":")[0]}`);
  const due = a.lastAt + run.intervalMs;
  if (now < due) return { kind: "wait", untilMs: due, reason: `${target.label}: next measurement` };
  return {
    kind: "measure",
    track: target.track,
    smokeService: target.smokeService,
    metrics: target.metrics,
    run,
    state,
    reason: `${target.label}: measurement ${a.taken + 1}/${run.count}`,
  };
}
