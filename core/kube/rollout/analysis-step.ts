import type { AnalysisRun } from "../config/types.js";
import { save, type Action } from "./actions.js";
import { aborting, nextStep } from "./start.js";
import type { RolloutState } from "./state.js";

/**
 * One analysis step, the same for a canary and a blue-green preview. Every limit is checked before
 * a pass, so a last bad measurement never counts as one: failures over failureLimit abort, so do
 * inconclusive measurements over inconclusiveLimit and provider errors in a row over
 * consecutiveErrorLimit (defaults fail closed: a canary nobody can measure rolls back, and the reason
 * says which it was). `count` conclusive measurements pass; else the next is taken `intervalMs` after
 * the step started or after the previous one.
 */
export function analysisStep(state: RolloutState, run: AnalysisRun, now: number, target: { track: string; smokeService: string; metrics: boolean; label: string }): Action {
  const a = state.analysis ?? { taken: 0, failed: 0, inconclusive: 0, errorsInARow: 0, lastAt: state.stepStartedAt };
  const last = state.message ? `: ${state.message}` : "";
  if (a.failed > run.failureLimit) return save(aborting(state, now, `analysis failed${last || `: ${a.failed} failed measurement(s)`}`), `${target.label}: analysis failed`);
  if (a.inconclusive > run.inconclusiveLimit) {
    return save(aborting(state, now, `analysis inconclusive: ${a.inconclusive} measurement(s) without enough requests, over the limit ${run.inconclusiveLimit}${last}`), `${target.label}: analysis inconclusive`);
  }
  if (a.errorsInARow > run.consecutiveErrorLimit) {
    return save(aborting(state, now, `analysis could not measure: ${a.errorsInARow} provider error(s) in a row, over the limit ${run.consecutiveErrorLimit}${last}`), `${target.label}: Prometheus could not be queried`);
  }
  if (a.taken >= run.count) return save(nextStep(state, now), `${target.label}: analysis passed (${a.taken} measurement(s), ${a.failed} failed${a.inconclusive ? `, ${a.inconclusive} inconclusive` : ""})`);
  const due = a.lastAt + run.intervalMs;
  if (now < due) return { kind: "wait", untilMs: due, reason: `${target.label}: next measurement` };
  return { kind: "measure", track: target.track, smokeService: target.smokeService, metrics: target.metrics, run, state, reason: `${target.label}: measurement ${a.taken + 1}/${run.count}` };
}
