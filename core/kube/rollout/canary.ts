import type { CanaryStrategy } from "../config/types.js";
import { save, type Action } from "./actions.js";
import { analysisStep } from "./analysis-step.js";
import { canaryReplicas, MATCH_ONLY_PODS, routerWeight } from "./canary-weight.js";
import { readyAt, rolledOut, type Observed } from "./observed.js";
import { baseObjects, canaryRouter } from "./base-objects.js";
import { deploymentFor, env, startingTotal, type RolloutPlan } from "./plan.js";
import { failingRevision, readinessDeadlinePassed, resetWeightBeforeNewRevision } from "./safety-rules.js";
import { aborting, freshState, nextStep, startOrResume } from "./start.js";
import type { RolloutState } from "./state.js";

/**
 * The canary, Argo Rollouts style: the steps are data, the state says which one is current, and
 * this function reads the observed cluster and returns the single next action.
 */
export function decideCanary(plan: RolloutPlan, obs: Observed): Action {
  const strategy = env(plan).strategy as CanaryStrategy;
  const n = plan.names;
  const stable = obs.deployments[n.stable];
  const started = startOrResume(plan, obs, stable?.revision, () => {
    const total = startingTotal(plan, stable?.specReplicas);
    const base = baseObjects(plan, { routeWeight: 0 });
    // First deploy: nothing to compare a canary with; the stable takes the revision directly.
    if (!stable)
      return {
        kind: "apply",
        objects: [...base, deploymentFor(plan, "stable", total)],
        reason: "first deploy: create the stable Deployment",
        then: freshState(plan, obs.now, { total, phase: "promoting" }),
      };
    return { kind: "apply", objects: base, reason: `start the canary of ${plan.revision}`, then: freshState(plan, obs.now, { total, stable }) };
  });
  if (started) return started;
  const state = obs.state!;
  if (state.phase === "aborting") return abortToStable(plan, strategy, obs, state);
  if (state.phase === "promoting") return promote(plan, strategy, obs, state);
  return progress(plan, strategy, obs, state);
}

/** The weight the canary receives now, as the cluster shows it. */
export function observedCanaryWeight(plan: RolloutPlan, strategy: CanaryStrategy, obs: Observed): number {
  const { router, ctx } = canaryRouter(plan, strategy.router);
  return router.observedWeight(ctx, obs);
}

function progress(plan: RolloutPlan, strategy: CanaryStrategy, obs: Observed, state: RolloutState): Action {
  const e = env(plan);
  const n = plan.names;
  const canary = obs.deployments[n.canary];
  const failing = failingRevision(obs.restarts[state.revision] ?? 0, e.maxRestarts, obs.pullFailures[state.revision]);
  if (failing) return save(aborting(state, obs.now, `canary pods ${failing.why}`), `abort: canary ${failing.short}`);
  const step = strategy.steps[state.step];
  if (!step) return save({ ...nextStep(state, obs.now), phase: "promoting", step: strategy.steps.length }, "all steps passed: promote");

  if ("setWeight" in step || "match" in step) {
    const weight = "setWeight" in step ? step.setWeight : 0;
    const want = "setWeight" in step ? canaryReplicas(state.total, weight) : MATCH_ONLY_PODS;
    const what = "setWeight" in step ? `${weight}%` : "the matched requests";
    const { router, ctx } = canaryRouter(plan, strategy.router);
    if (resetWeightBeforeNewRevision(canary?.revision, state.revision, router.observedWeight(ctx, obs), router.matchOnly?.observed(ctx, obs))) {
      const reset = router.release(ctx, obs, "reset the weight to 0 before the canary takes another revision");
      if (reset) return reset;
    }
    if (!canary || canary.revision !== state.revision || canary.specReplicas < want) {
      return { kind: "apply", objects: [deploymentFor(plan, "canary", want)], reason: `canary: ${want} pod(s) for ${what}` };
    }
    const ready = readyAt(canary, state.revision);
    if (ready < want) {
      if (readinessDeadlinePassed(obs.now, state.stepStartedAt, e.progressDeadlineMs, canary.deadlineExceeded)) {
        return save(
          aborting(state, obs.now, `canary not ready: ${ready}/${want} pod(s) ready after ${Math.round((obs.now - state.stepStartedAt) / 1000)}s`),
          "abort: canary not ready in time",
        );
      }
      return { kind: "wait", reason: `canary: ${ready}/${want} pod(s) ready` };
    }
    if ("match" in step) {
      // The loader refuses a match step for a router without matchOnly; a state edited by hand could still get here.
      if (!router.matchOnly)
        return save(
          aborting(state, obs.now, `the ${router.kind} traffic router cannot send chosen requests to the canary`),
          "abort: match step without a router that matches",
        );
      const route = router.matchOnly.apply(ctx, obs);
      if (route) return route;
      return save(nextStep(state, obs.now, { weight: 0 }), `step ${state.step}: the matched requests reach the canary`);
    }
    const move = router.applyWeight(ctx, routerWeight(weight, state.weight, ready, want), { obs, total: state.total });
    if (move) return move;
    return save(nextStep(state, obs.now, { weight }), `step ${state.step}: weight ${weight}% reached`);
  }

  if (state.promoteStep) return save(nextStep(state, obs.now), `step ${state.step}: promoted by hand`);
  if ("pause" in step) {
    const d = step.pause.durationMs;
    if (d === undefined) return { kind: "pause", reason: `step ${state.step}: paused until promoted` };
    if (state.pauseStartedAt === undefined) return save({ ...state, pauseStartedAt: obs.now }, `step ${state.step}: pause ${d / 1000}s`);
    if (obs.now < state.pauseStartedAt + d) return { kind: "wait", untilMs: state.pauseStartedAt + d, reason: `step ${state.step}: paused` };
    return save(nextStep(state, obs.now), `step ${state.step}: pause over`);
  }

  return analysisStep(state, step.analysis, obs.now, { track: "canary", smokeService: n.canary, metrics: true, label: `step ${state.step}` });
}

/** Promotion: the stable Deployment takes the new revision, waits ready, then the canary goes. */
function promote(plan: RolloutPlan, strategy: CanaryStrategy, obs: Observed, state: RolloutState): Action {
  const e = env(plan);
  const n = plan.names;
  const stable = obs.deployments[n.stable];
  const replicas = e.hpa && stable ? stable.specReplicas : state.total;
  if (!stable || stable.revision !== state.revision || (!e.hpa && stable.specReplicas !== state.total)) {
    return { kind: "apply", objects: [deploymentFor(plan, "stable", state.total)], reason: "promote: the stable Deployment takes the new revision" };
  }
  if (!rolledOut(stable, state.revision, replicas)) {
    if (readinessDeadlinePassed(obs.now, state.stepStartedAt, e.progressDeadlineMs, stable.deadlineExceeded)) {
      return save(aborting(state, obs.now, "the stable Deployment did not become ready with the new revision"), "abort: promotion not ready in time");
    }
    return { kind: "wait", reason: `promote: stable ${stable.readyReplicas}/${replicas} ready` };
  }
  const { router, ctx } = canaryRouter(plan, strategy.router);
  const release = router.release(ctx, obs, "promote: all traffic to the stable Deployment");
  if (release) return release;
  if (canaryLeft(plan, obs)) return { kind: "delete", refs: canaryRefs(plan), reason: "promote: remove the canary" };
  const { message: _m, ...rest } = state;
  return save({ ...rest, phase: "completed", weight: 0, stepStartedAt: obs.now }, `revision ${state.revision} promoted`, "promoted");
}

/**
 * Abort = 100% of the traffic to stable, the canary removed. In order: undo a stable that had
 * started taking the new revision, route 0 to the canary, give the stable back all its pods and
 * wait for them, delete the canary. The stable never ran anything else, so its config is intact.
 */
export function abortToStable(plan: RolloutPlan, strategy: CanaryStrategy, obs: Observed, state: RolloutState): Action {
  const n = plan.names;
  const stable = obs.deployments[n.stable];
  if (state.stableRevision && stable && stable.revision !== state.stableRevision)
    return { kind: "undo", deployment: n.stable, reason: "abort: the stable Deployment goes back to its previous revision" };
  const { router, ctx } = canaryRouter(plan, strategy.router);
  const release = router.release(ctx, obs, "abort: 100% of the traffic to stable");
  if (release) return release;
  if (stable && stable.specReplicas < state.total && !env(plan).hpa)
    return { kind: "scale", deployment: n.stable, replicas: state.total, reason: `abort: stable back to ${state.total} pod(s)`, weight: 0 };
  if (stable && stable.revision && readyAt(stable, stable.revision) < Math.min(stable.specReplicas, state.total))
    return { kind: "wait", reason: `abort: stable ${stable.readyReplicas}/${state.total} ready` };
  if (canaryLeft(plan, obs)) return { kind: "delete", refs: canaryRefs(plan), reason: "abort: remove the canary", weight: 0 };
  const own = state.revision === plan.revision;
  return save(
    { ...state, phase: "aborted", weight: 0, stepStartedAt: obs.now },
    `revision ${state.revision} aborted: ${state.message ?? "no reason"}`,
    own ? "aborted" : undefined,
  );
}

/** The canary is its Deployment and its Service (`<service>-canary`): removing it removes both. */
function canaryRefs(plan: RolloutPlan): string[] {
  return [`deployment/${plan.names.canary}`, `service/${plan.names.canary}`];
}

function canaryLeft(plan: RolloutPlan, obs: Observed): boolean {
  return obs.deployments[plan.names.canary] !== undefined || obs.services[plan.names.canary] !== undefined;
}
