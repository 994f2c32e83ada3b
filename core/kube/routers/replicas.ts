import { z } from "zod";

import { replicaRatioWeight, stableReplicas } from "../rollout/canary-weight.js";
import { mainIngress, type Router } from "./router.js";

/** No router: the shared Service selects both tracks, so the weight is the ratio of ready pods. */
export interface ReplicasRouter {
  kind: "replicas";
}

export const replicas: Router<ReplicasRouter> = {
  kind: "replicas",
  input: z.strictObject({ type: z.literal("replicas") }),
  summary: "pod ratio",
  shorthand: true,
  usage: "replicas",
  configFrom: () => ({ kind: "replicas" }),
  // The weight is set by scaling the stable down: an HPA would scale it back.
  problems: (e) =>
    e.hpa
      ? [{ path: ["hpa"], message: "an HPA and the replicas traffic router would fight over the stable's replicas; use trafficRouter nginx or gatewayApi" }]
      : [],

  keepsSessions: {
    supported: false,
    why: "the replicas traffic router has no proxy to keep a client on a pod (a Service's ClientIP affinity would see the ingress controller's address, not the client's); use trafficRouter {type: gatewayApi, ...}",
  },

  sharesService: true,
  render: ({ plan }) => mainIngress(plan),
  observes: [],
  observedWeight: ({ plan }, obs) => {
    const canary = obs.deployments[plan.names.canary];
    const stable = obs.deployments[plan.names.stable];
    return replicaRatioWeight(canary?.current ? canary.readyReplicas : 0, stable?.current ? stable.readyReplicas : 0);
  },
  applyWeight: ({ plan }, weight, { obs, total }) => {
    const keep = stableReplicas(total, weight);
    const stable = obs.deployments[plan.names.stable];
    if (!stable || stable.specReplicas === keep) return undefined;
    return { kind: "scale", deployment: plan.names.stable, replicas: keep, reason: `stable: ${keep} pod(s) at ${weight}%`, weight };
  },
  // The split ends when the loop removes the canary's pods and gives the stable its total back.
  release: () => undefined,
};
