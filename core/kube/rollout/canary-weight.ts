import type { CanaryStep } from "../config/types.js";
import { keepPreviousWeightUntilCanaryHasReplicas, neverWeightCanaryWithoutReadyPods } from "./safety-rules.js";

/**
 * Everything that decides a canary's weight, in one place.
 *
 * - The weight in force is that of the last `setWeight` step reached (0 before the first; a `match`
 *   step before it sends the canary only the requests the router matches, on MATCH_ONLY_PODS pods).
 * - The weight sent to a traffic router (nginx, Gateway API) is the step's weight, held at the
 *   previous one until the canary has its pods, and 0 while it has no ready pod (safety-rules.ts).
 * - With the `replicas` router there is no router: the shared Service spreads requests over every
 *   ready pod, so the weight IS the share of pods. Canary pods = ceil(total * weight / 100), at
 *   least 1; stable pods = total - canary pods, so the sum stays `total`. Rounding up means a 5%
 *   step on 2 replicas runs 1 canary and 1 stable pod (50% of the traffic): the replica router's
 *   granularity is 1/total, so use enough replicas or a real router for fine weights. One exception:
 *   below 100% the stable keeps at least 1 pod (with total = 1 the sum is 2 during the canary),
 *   so that a small step never hands all the traffic to the canary.
 */

/**
 * Pods the canary runs in a `match` step (A/B before any weight): only the matched requests reach
 * it, so one pod serves them; the next setWeight scales it to its share.
 */
export const MATCH_ONLY_PODS = 1;

/** The weight of the last setWeight at or before `index`. */
export function stepWeight(steps: readonly CanaryStep[], index: number): number {
  for (let i = Math.min(index, steps.length - 1); i >= 0; i--) {
    const step = steps[i]!;
    if ("setWeight" in step) return step.setWeight;
  }
  return 0;
}

/** Pods the canary runs at `weight` (the same with every router: the canary gets its share). */
export function canaryReplicas(total: number, weight: number): number {
  if (weight <= 0) return 0;
  return Math.min(total, Math.max(1, Math.ceil((total * weight) / 100)));
}

/** Pods the stable keeps at `weight` with the replica-ratio router (the only one that scales the stable down). */
export function stableReplicas(total: number, weight: number): number {
  if (weight >= 100) return 0;
  return Math.max(1, total - canaryReplicas(total, weight));
}

/** The weight to give a traffic router now, with the safety rules applied. */
export function routerWeight(stepTarget: number, previousWeight: number, canaryReadyPods: number, canaryWantedPods: number): number {
  const held = keepPreviousWeightUntilCanaryHasReplicas(previousWeight, stepTarget, canaryReadyPods, canaryWantedPods);
  return neverWeightCanaryWithoutReadyPods(held, canaryReadyPods);
}

/** The replica router's effective weight: the canary's share of ready pods, in percent. */
export function replicaRatioWeight(canaryReadyPods: number, stableReadyPods: number): number {
  const all = canaryReadyPods + stableReadyPods;
  return all === 0 ? 0 : Math.round((100 * canaryReadyPods) / all);
}
