import type { BlueGreenStrategy } from "../config/types.js";
import { TRACK_LABEL } from "../manifests/names.js";
import { save, type Action } from "./actions.js";
import { analysisStep } from "./analysis-step.js";
import { readyAt, rolledOut, type Observed } from "./observed.js";
import { baseObjects, hpaFor, trackService } from "./base-objects.js";
import { deploymentFor, env, startingTotal, type RolloutPlan } from "./plan.js";
import { failingRevision, readinessDeadlinePassed } from "./safety-rules.js";
import { aborting, freshState, nextStep, startOrResume } from "./start.js";
import type { RolloutState } from "./state.js";

type Colour = "blue" | "green";

/** Blue-green steps (state.step): bring the new colour up, analyse it, switch, scale the old one down. */
export const BLUE_GREEN_STEPS = { bringUp: 0, analyse: 1, switch: 2, scaleDown: 3 } as const;

export function otherColour(c: Colour | undefined): Colour {
  return c === "blue" ? "green" : "blue";
}

/** The colour the main Service sends traffic to, as observed. */
export function activeColour(plan: RolloutPlan, obs: Observed): Colour | undefined {
  const track = obs.services[plan.names.stable]?.selector[TRACK_LABEL];
  return track === "blue" || track === "green" ? track : undefined;
}

export function decideBlueGreen(plan: RolloutPlan, obs: Observed): Action {
  const strategy = env(plan).strategy as BlueGreenStrategy;
  const active = activeColour(plan, obs);
  const running = active && obs.deployments[plan.names[active]]?.specReplicas ? obs.deployments[plan.names[active]]!.revision : undefined;
  const started = startOrResume(plan, obs, running, () => {
    const activeDeployment = active ? obs.deployments[plan.names[active]] : undefined;
    const total = startingTotal(plan, activeDeployment?.specReplicas);
    return {
      kind: "apply",
      objects: baseObjects(plan, { ...(active ? { activeColour: active } : {}), routeWeight: 0 }),
      reason: `start the blue-green rollout of ${plan.revision}`,
      then: freshState(plan, obs.now, { total, ...(running && activeDeployment ? { stable: activeDeployment, previousColour: active } : {}) }),
    };
  });
  if (started) return started;
  const state = obs.state!;
  return state.phase === "aborting" ? switchBack(plan, obs, state) : progress(plan, strategy, obs, state);
}

function progress(plan: RolloutPlan, strategy: BlueGreenStrategy, obs: Observed, state: RolloutState): Action {
  const e = env(plan);
  const n = plan.names;
  const next = otherColour(state.previousColour);
  const fresh = obs.deployments[n[next]];
  const old = state.previousColour ? obs.deployments[n[state.previousColour]] : undefined;
  const S = BLUE_GREEN_STEPS;

  const failing = failingRevision(obs.restarts[state.revision] ?? 0, e.maxRestarts, obs.pullFailures[state.revision]);
  if (state.step <= S.analyse && failing) return save(aborting(state, obs.now, `${next} pods ${failing.why}`), `abort: ${next} ${failing.short}`);
  if (state.step === S.bringUp) {
    if (!fresh || fresh.revision !== state.revision || fresh.specReplicas !== state.total) {
      return {
        kind: "apply",
        objects: [deploymentFor(plan, next, state.total), trackService(plan, n.preview, next)],
        reason: `bring up ${next} with ${state.total} pod(s)`,
      };
    }
    if (!rolledOut(fresh, state.revision, state.total)) {
      if (readinessDeadlinePassed(obs.now, state.stepStartedAt, e.progressDeadlineMs, fresh.deadlineExceeded)) {
        return save(
          aborting(state, obs.now, `${next} not ready: ${readyAt(fresh, state.revision)}/${state.total} pod(s) ready`),
          `abort: ${next} not ready in time`,
        );
      }
      return { kind: "wait", reason: `${next}: ${fresh.readyReplicas}/${state.total} ready` };
    }
    return save(nextStep(state, obs.now), `${next} is ready`);
  }
  if (state.step === S.analyse) {
    // Smoke checks alone (no prePromotionAnalysis) are one measurement without queries.
    const run =
      strategy.prePromotionAnalysis ??
      (e.smoke.length > 0 ? { intervalMs: 0, count: 1, failureLimit: 0, inconclusiveLimit: 0, consecutiveErrorLimit: 0 } : undefined);
    if (!run || state.promoteStep) return save(nextStep(state, obs.now), run ? "checks skipped by a manual promote" : "no pre-promotion checks");
    return analysisStep(state, run, obs.now, {
      track: next,
      smokeService: n.preview,
      metrics: strategy.prePromotionAnalysis !== undefined,
      label: `${next} before the switch`,
    });
  }
  if (state.step === S.switch) {
    const objects = [trackService(plan, n.stable, next), hpaFor(plan, n[next])].filter((o) => o !== undefined);
    return { kind: "apply", objects, reason: `switch the Service to ${next}`, then: nextStep(state, obs.now, { switchedAt: obs.now, weight: 100 }) };
  }
  // Scale-down: the previous colour stays up for an instant switch back, then goes to 0.
  const until = (state.switchedAt ?? state.stepStartedAt) + strategy.scaleDownDelayMs;
  if (old && old.specReplicas > 0) {
    if (obs.now < until) return { kind: "wait", untilMs: until, reason: `keep ${state.previousColour} for an instant switch back` };
    return { kind: "scale", deployment: n[state.previousColour!], replicas: 0, reason: `scale ${state.previousColour} down` };
  }
  const { message: _m, ...rest } = state;
  return save({ ...rest, phase: "completed", stepStartedAt: obs.now }, `revision ${state.revision} live on ${next}`, "promoted");
}

/**
 * Abort: the Service goes (back) to the previous colour, which must be up and ready first, and the
 * new colour is scaled to 0. Before the switch that is only the scale-down.
 */
function switchBack(plan: RolloutPlan, obs: Observed, state: RolloutState): Action {
  const n = plan.names;
  const prev = state.previousColour;
  const next = otherColour(prev);
  const fresh = obs.deployments[n[next]];
  if (prev) {
    const old = obs.deployments[n[prev]];
    if (old && old.specReplicas < state.total)
      return { kind: "scale", deployment: n[prev], replicas: state.total, reason: `abort: ${prev} back to ${state.total} pod(s)` };
    if (old && old.revision && readyAt(old, old.revision) < state.total)
      return { kind: "wait", reason: `abort: ${prev} ${old.readyReplicas}/${state.total} ready` };
    if (activeColour(plan, obs) !== prev) {
      const objects = [trackService(plan, n.stable, prev), hpaFor(plan, n[prev])].filter((o) => o !== undefined);
      return { kind: "apply", objects, reason: `abort: switch the Service back to ${prev}`, weight: 0 };
    }
  }
  if (fresh && fresh.specReplicas > 0 && prev) return { kind: "scale", deployment: n[next], replicas: 0, reason: `abort: scale ${next} down`, weight: 0 };
  const own = state.revision === plan.revision;
  return save(
    { ...state, phase: "aborted", weight: 0, stepStartedAt: obs.now },
    `revision ${state.revision} aborted: ${state.message ?? "no reason"}`,
    own ? "aborted" : undefined,
  );
}
