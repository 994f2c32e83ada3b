import { z } from "zod";

import { renderIngress } from "../manifests/ingress.js";
import type { KubeObject } from "../manifests/objects.js";
import type { Action } from "../rollout/actions.js";
import type { RolloutPlan } from "../rollout/plan.js";
import { mainIngress, releaseWeight, routedObject, type Router } from "./router.js";

export const NGINX_CANARY = "nginx.ingress.kubernetes.io/canary";
export const NGINX_CANARY_WEIGHT = "nginx.ingress.kubernetes.io/canary-weight";

/** ingress-nginx: a second Ingress with the canary annotations and canary-weight. */
export interface NginxRouter {
  kind: "nginx";
}

export const nginx: Router<NginxRouter> = {
  kind: "nginx",
  input: z.strictObject({ type: z.literal("nginx") }),
  summary: "ingress-nginx canary",
  shorthand: true,
  usage: "nginx",
  configFrom: () => ({ kind: "nginx" }),
  problems: (e) => (e.ingress ? [] : [{ path: ["ingress"], message: "the nginx traffic router needs an ingress (host, and className/tlsSecret as needed)" }]),
  // ingress-nginx has cookie affinity for canaries (nginx.ingress.kubernetes.io/affinity), but it
  // stopped receiving fixes in March 2026: new behaviour goes to gatewayApi, not to a retired controller.
  keepsSessions: {
    supported: false,
    why: "ingress-nginx stopped receiving fixes in March 2026, so Gantry adds no affinity to it; use trafficRouter {type: gatewayApi, ...}, whose HTTPRoute carries sessionPersistence",
  },

  sharesService: false,
  render: ({ plan }) => mainIngress(plan),
  observes: ["ingresses.networking.k8s.io"],
  observedWeight: ({ plan }, obs) => {
    const weight = routedObject(obs, "Ingress", plan.names.canary)?.annotations[NGINX_CANARY_WEIGHT];
    return weight === undefined ? 0 : Number(weight);
  },
  applyWeight: (ctx, weight, { obs }) =>
    nginx.observedWeight(ctx, obs) === weight ? undefined : setWeight(ctx.plan, weight, `route ${weight}% to the canary`),
  release: (ctx, obs, reason) => releaseWeight(nginx, ctx, obs, () => setWeight(ctx.plan, 0, reason)),
};

// Weight 0 removes the canary Ingress, so no canary object is left after an abort.
function setWeight(plan: RolloutPlan, weight: number, reason: string): Action {
  const n = plan.names;
  if (weight === 0) return { kind: "delete", refs: [`ingress/${n.canary}`], reason, weight };
  return { kind: "apply", objects: [renderCanaryIngress(plan, weight)], reason, weight };
}

/**
 * ingress-nginx's canary: a second Ingress for the same host and path, marked canary, whose
 * canary-weight (0-100) is the share of requests sent to the canary Service.
 */
function renderCanaryIngress(plan: RolloutPlan, weight: number): KubeObject {
  const n = plan.names;
  return renderIngress(plan.workload, plan.workload.env.ingress!, n.canary, n.canary, { [NGINX_CANARY]: "true", [NGINX_CANARY_WEIGHT]: String(weight) });
}
