import type { Action } from "./actions.js";
import type { Observed, ObservedDeployment } from "./observed.js";
import type { RolloutPlan } from "./plan.js";
import { inProgress, type RolloutState } from "./state.js";

/** The state at the start of a rollout of the plan's revision. */
export function freshState(
  plan: RolloutPlan,
  now: number,
  fields: { total: number; stable?: ObservedDeployment; previousColour?: "blue" | "green"; phase?: RolloutState["phase"] },
): RolloutState {
  return {
    strategy: plan.workload.env.strategy.kind,
    revision: plan.revision,
    image: plan.workload.image,
    phase: fields.phase ?? "progressing",
    step: 0,
    weight: 0,
    total: fields.total,
    stepStartedAt: now,
    startedAt: now,
    ...(plan.commitTime === undefined ? {} : { committedAt: plan.commitTime }),
    ...(fields.stable?.revision ? { stableRevision: fields.stable.revision } : {}),
    ...(fields.stable?.image ? { stableImage: fields.stable.image } : {}),
    ...(fields.previousColour ? { previousColour: fields.previousColour } : {}),
  };
}

/** The state for the next step: step timers and per-step measurements reset. */
export function nextStep(state: RolloutState, now: number, changes: Partial<RolloutState> = {}): RolloutState {
  const { pauseStartedAt: _p, analysis: _a, promoteStep: _s, ...rest } = state;
  return { ...rest, step: state.step + 1, stepStartedAt: now, ...changes };
}

export function aborting(state: RolloutState, now: number, message: string): RolloutState {
  const { pauseStartedAt: _p, analysis: _a, promoteStep: _s, ...rest } = state;
  return { ...rest, phase: "aborting", stepStartedAt: now, message };
}

/**
 * What every strategy does before its own steps, or undefined to go on with the state's rollout:
 *
 * - another revision's rollout in progress: abort it first (superseded), then start this one;
 * - this revision completed, or already running: done, nothing applied (no new ReplicaSet);
 * - this revision aborted: stays aborted (use `retry` to run it again);
 * - otherwise: start, with `start()` (apply the base objects and save the fresh state).
 */
export function startOrResume(plan: RolloutPlan, obs: Observed, runningRevision: string | undefined, start: () => Action): Action | undefined {
  const state = obs.state;
  if (state && inProgress(state) && state.revision !== plan.revision) {
    if (state.phase === "aborting") return undefined; // finish aborting the superseded rollout first
    return {
      kind: "save",
      state: aborting(state, obs.now, `superseded by revision ${plan.revision}`),
      reason: `abort the rollout of ${state.revision}: superseded by ${plan.revision}`,
    };
  }
  if (state && state.revision === plan.revision) {
    if (inProgress(state)) return undefined;
    if (state.phase === "aborted")
      return {
        kind: "done",
        outcome: "aborted",
        reason: `revision ${plan.revision} was aborted (${state.message ?? "no reason recorded"}); retry to roll it out again`,
      };
  }
  if (runningRevision === plan.revision)
    return { kind: "done", outcome: "unchanged", reason: `revision ${plan.revision} (${plan.workload.image}) is already running` };
  return start();
}
