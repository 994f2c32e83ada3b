import { save, type Action } from "./actions.js";
import { rolledOut, type Observed } from "./observed.js";
import { baseObjects } from "./base-objects.js";
import { deploymentFor, env, startingTotal, type RolloutPlan } from "./plan.js";
import { failingRevision, readinessDeadlinePassed } from "./safety-rules.js";
import { aborting, freshState, startOrResume } from "./start.js";
import type { RolloutState } from "./state.js";

/**
 * A rolling update: apply the Deployment, wait for `kubectl rollout status` within the progress
 * deadline, and `kubectl rollout undo` when it fails (the previous template, and so the previous
 * hashed ConfigMap, come back).
 */
export function decideRolling(plan: RolloutPlan, obs: Observed): Action {
  const e = env(plan);
  const name = plan.names.stable;
  const d = obs.deployments[name];
  const started = startOrResume(plan, obs, d?.revision, () => {
    const total = startingTotal(plan, d?.specReplicas);
    return {
      kind: "apply",
      objects: [...baseObjects(plan, { routeWeight: 0 }), deploymentFor(plan, "stable", total)],
      reason: `roll out ${plan.revision}`,
      then: freshState(plan, obs.now, { total, ...(d ? { stable: d } : {}) }),
    };
  });
  if (started) return started;
  const state = obs.state!;
  const replicas = e.hpa && d ? d.specReplicas : state.total;

  if (state.phase === "aborting") {
    if (d && state.stableRevision && d.revision !== state.stableRevision) return { kind: "undo", deployment: name, reason: "roll back: kubectl rollout undo" };
    if (d && state.stableRevision && !rolledOut(d, state.stableRevision, replicas))
      return { kind: "wait", reason: `roll back: ${d.readyReplicas}/${replicas} ready` };
    return save(
      { ...state, phase: "aborted", stepStartedAt: obs.now },
      `revision ${state.revision} rolled back: ${state.message ?? "no reason"}`,
      state.revision === plan.revision ? "aborted" : undefined,
    );
  }
  if (!d || d.revision !== state.revision)
    return { kind: "apply", objects: [deploymentFor(plan, "stable", state.total)], reason: `roll out ${state.revision}` };
  if (rolledOut(d, state.revision, replicas)) return save(completed(state, obs.now), `revision ${state.revision} rolled out`, "promoted");
  const failing = failingRevision(obs.restarts[state.revision] ?? 0, e.maxRestarts, obs.pullFailures[state.revision]);
  if (failing) return save(aborting(state, obs.now, `pods ${failing.why}`), `abort: ${failing.short}`);
  const left = state.stepStartedAt + e.progressDeadlineMs - obs.now;
  if (readinessDeadlinePassed(obs.now, state.stepStartedAt, e.progressDeadlineMs, d.deadlineExceeded) || left < 1000) {
    return save(aborting(state, obs.now, `not rolled out within ${Math.round(e.progressDeadlineMs / 1000)}s`), "abort: rollout deadline");
  }
  return {
    kind: "rolloutStatus",
    deployment: name,
    timeoutMs: left,
    reason: "wait for the rollout",
    onFailure: aborting(state, obs.now, `kubectl rollout status failed within ${Math.round(e.progressDeadlineMs / 1000)}s`),
  };
}

function completed(state: RolloutState, now: number): RolloutState {
  const { message: _m, ...rest } = state;
  return { ...rest, phase: "completed", stepStartedAt: now };
}
