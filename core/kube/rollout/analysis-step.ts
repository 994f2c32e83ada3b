import type { AnalysisRun } from "../config/types.js";
import { save, type Action } from "./actions.js";
import { aborting, nextStep } from "./start.js";
import type { RolloutState } from "./state.js";

/**
 * One analysis step, the same for a canary and a blue-green preview: failures over the limit abort
 * (checked first, so a last failed measurement never counts as a pass), `count` measurements pass,
 * else the next one is taken `intervalMs` after the step started or after the previous one.
 */
export function analysisStep(state: RolloutState, run: AnalysisRun, now: number, target: { track: string; smokeService: string; metrics: boolean; label: string }): Action {
  const a = state.analysis ?? { taken: 0, failed: 0, lastAt: state.stepStartedAt };
  if (a.failed > run.failureLimit) return save(aborting(state, now, `analysis failed: ${state.message ?? `${a.failed} failed measurement(s)`}`), `${target.label}: analysis failed`);
  if (a.taken >= run.count) return save(nextStep(state, now), `${target.label}: analysis passed (${a.taken} measurement(s), ${a.failed} failed)`);
  const due = (a.taken === 0 ? state.stepStartedAt : a.lastAt) + run.intervalMs;
  if (now < due) return { kind: "wait", untilMs: due, reason: `${target.label}: next measurement` };
  return { kind: "measure", track: target.track, smokeService: target.smokeService, metrics: target.metrics, run, state, reason: `${target.label}: measurement ${a.taken + 1}/${run.count}` };
}
