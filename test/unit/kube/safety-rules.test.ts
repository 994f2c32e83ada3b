import { describe, expect, it } from "vitest";
import { canaryReplicas, replicaRatioWeight, routerWeight, stableReplicas, stepWeight } from "../../../core/kube/rollout/canary-weight.js";
import {
  crashLoopAborts,
  failingRevision,
  imagePullFailureAborts,
  keepPreviousWeightUntilCanaryHasReplicas,
  neverWeightCanaryWithoutReadyPods,
  readinessDeadlinePassed,
  resetWeightBeforeNewRevision,
} from "../../../core/kube/rollout/safety-rules.js";

describe("safety rules", () => {
  it("neverWeightCanaryWithoutReadyPods: no ready canary pod, no traffic", () => {
    expect(neverWeightCanaryWithoutReadyPods(50, 0)).toBe(0);
    expect(neverWeightCanaryWithoutReadyPods(50, 1)).toBe(50);
  });
  it("keepPreviousWeightUntilCanaryHasReplicas: the weight moves only once the canary has its pods", () => {
    expect(keepPreviousWeightUntilCanaryHasReplicas(5, 50, 1, 3)).toBe(5);
    expect(keepPreviousWeightUntilCanaryHasReplicas(5, 50, 3, 3)).toBe(50);
  });
  it("resetWeightBeforeNewRevision: a weighted canary of another revision goes back to 0 first", () => {
    expect(resetWeightBeforeNewRevision("old", "new", 20)).toBe(true);
    expect(resetWeightBeforeNewRevision("old", "new", 0)).toBe(false);
    expect(resetWeightBeforeNewRevision("new", "new", 20)).toBe(false);
    expect(resetWeightBeforeNewRevision(undefined, "new", 0)).toBe(false);
    // At weight 0 with a match rule, the chosen requests would reach the other revision's pods.
    expect(resetWeightBeforeNewRevision("old", "new", 0, true)).toBe(true);
    expect(resetWeightBeforeNewRevision("new", "new", 0, true)).toBe(false);
  });
  it("crashLoopAborts: more restarts than allowed abort", () => {
    expect(crashLoopAborts(4, 3)).toBe(true);
    expect(crashLoopAborts(3, 3)).toBe(false);
  });
  it("imagePullFailureAborts: an image the kubelet gave up pulling fails the revision", () => {
    expect(imagePullFailureAborts("ImagePullBackOff: Back-off pulling image")).toBe(true);
    expect(imagePullFailureAborts(undefined)).toBe(false);
  });
  it("failingRevision: a crash loop first, then a pull failure, each with its reason", () => {
    expect(failingRevision(4, 3, "ImagePullBackOff: x")).toEqual({ why: "restarted 4 times (crash loop; limit 3)", short: "crash loop" });
    expect(failingRevision(0, 3, "ImagePullBackOff: x")).toEqual({ why: "cannot pull their image (ImagePullBackOff: x)", short: "image pull failure" });
    expect(failingRevision(3, 3, undefined)).toBeUndefined();
  });
  it("readinessDeadlinePassed: by our clock or by the Deployment controller's", () => {
    expect(readinessDeadlinePassed(10_001, 0, 10_000, false)).toBe(true);
    expect(readinessDeadlinePassed(5_000, 0, 10_000, false)).toBe(false);
    expect(readinessDeadlinePassed(5_000, 0, 10_000, true)).toBe(true);
  });
  it("routerWeight applies both weight rules", () => {
    expect(routerWeight(50, 5, 0, 1)).toBe(0);
    expect(routerWeight(50, 5, 1, 2)).toBe(5);
    expect(routerWeight(50, 5, 2, 2)).toBe(50);
  });
});

describe("canary weights", () => {
  it("replica router: canary = ceil(total * w / 100), at least 1; the sum stays the total", () => {
    for (const total of [2, 3, 4, 10]) {
      for (const w of [5, 10, 25, 50, 75, 99]) {
        const c = canaryReplicas(total, w);
        // The smallest pod count whose share reaches the weight (rounding up, never under-weighting).
        expect(c / total).toBeGreaterThanOrEqual(w / 100);
        if (c > 1) expect((c - 1) / total).toBeLessThan(w / 100);
        const s = stableReplicas(total, w);
        expect(s).toBeGreaterThanOrEqual(1);
        if (c < total) expect(c + s).toBe(total);
      }
    }
    expect(canaryReplicas(4, 5)).toBe(1);
    expect(canaryReplicas(4, 50)).toBe(2);
    expect(canaryReplicas(4, 51)).toBe(3);
    expect(canaryReplicas(10, 5)).toBe(1);
  });
  it("replica router: the stable keeps a pod below 100% (the only time the sum exceeds the total), and none at 100%", () => {
    expect(stableReplicas(1, 5)).toBe(1);
    expect(stableReplicas(4, 100)).toBe(0);
    expect(canaryReplicas(4, 100)).toBe(4);
  });
  it("the weight in force is the last setWeight reached", () => {
    const steps = [{ setWeight: 5 }, { pause: {} }, { setWeight: 50 }];
    expect(stepWeight(steps, 0)).toBe(5);
    expect(stepWeight(steps, 1)).toBe(5);
    expect(stepWeight(steps, 2)).toBe(50);
    expect(stepWeight([{ pause: {} }, { setWeight: 5 }], 0)).toBe(0);
  });
  it("the replica router's effective weight is the share of ready pods", () => {
    expect(replicaRatioWeight(1, 3)).toBe(25);
    expect(replicaRatioWeight(0, 0)).toBe(0);
  });
});
