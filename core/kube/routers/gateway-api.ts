import { z } from "zod";

import { dnsLabel, dnsName, ingressHost } from "../config/fields.js";
import { commonLabels } from "../manifests/names.js";
import { meta, type KubeObject } from "../manifests/objects.js";
import { SERVICE_PORT } from "../manifests/service.js";
import type { Action } from "../rollout/actions.js";
import { releaseWeight, routedObject, type Router, type RouterContext } from "./router.js";

/** Gateway API: an HTTPRoute whose two backendRefs carry the weights. */
export interface GatewayApiRouter {
  kind: "gatewayApi";
  gateway: { name: string; namespace?: string; sectionName?: string };
  hostnames: string[];
}

const input = z.strictObject({
  type: z.literal("gatewayApi"),
  gateway: dnsName.describe("The Gateway the HTTPRoute attaches to."),
  gatewayNamespace: dnsLabel.optional().describe("Its namespace. Default: the environment's."),
  sectionName: dnsName.optional().describe("The Gateway listener to attach to."),
  hostnames: z.array(ingressHost).optional().describe("Hostnames of the HTTPRoute. Default: the ingress host."),
});

export const gatewayApi: Router<GatewayApiRouter, typeof input> = {
  kind: "gatewayApi",
  input,
  summary: "HTTPRoute weights",
  shorthand: false,
  usage: "{type: gatewayApi, gateway: <name>}",
  configFrom: (r, e) => ({
    kind: "gatewayApi",
    gateway: { name: r.gateway, ...(r.gatewayNamespace ? { namespace: r.gatewayNamespace } : {}), ...(r.sectionName ? { sectionName: r.sectionName } : {}) },
    hostnames: r.hostnames ?? (e.ingress ? [e.ingress.host] : []),
  }),
  problems: () => [],

  sharesService: false,
  // The HTTPRoute replaces the Ingress: the Gateway is the entry point.
  render: (ctx, weight) => [route(ctx, weight)],
  observes: ["httproutes.gateway.networking.k8s.io"],
  observedWeight: ({ plan }, obs) => {
    const rules = routedObject(obs, "HTTPRoute", plan.names.stable)?.spec["rules"];
    for (const rule of Array.isArray(rules) ? rules : []) {
      const refs: unknown = (rule as Record<string, unknown> | null)?.["backendRefs"];
      for (const ref of Array.isArray(refs) ? (refs as Record<string, unknown>[]) : []) {
        if (ref?.["name"] !== plan.names.canary) continue;
        // The API's default weight of a backendRef is 1.
        const weight = ref["weight"];
        return typeof weight === "number" && Number.isFinite(weight) ? weight : 1;
      }
    }
    return 0;
  },
  applyWeight: (ctx, weight, { obs }) => (gatewayApi.observedWeight(ctx, obs) === weight ? undefined : setWeight(ctx, weight, `route ${weight}% to the canary`)),
  release: (ctx, obs, reason) => releaseWeight(gatewayApi, ctx, obs, () => setWeight(ctx, 0, reason)),
};

function setWeight(ctx: RouterContext<GatewayApiRouter>, weight: number, reason: string): Action {
  return { kind: "apply", objects: [route(ctx, weight)], reason, weight };
}

/** The HTTPRoute (named as the main Service) splitting traffic: stable gets 100 - weight, canary gets weight. */
function route({ plan, config }: RouterContext<GatewayApiRouter>, weight: number): KubeObject {
  const w = plan.workload;
  const n = plan.names;
  const g = config.gateway;
  const parent = { name: g.name, ...(g.namespace ? { namespace: g.namespace } : {}), ...(g.sectionName ? { sectionName: g.sectionName } : {}) };
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: meta(w, n.stable, commonLabels(w.service, w.version)),
    spec: {
      parentRefs: [parent],
      ...(config.hostnames.length ? { hostnames: config.hostnames } : {}),
      rules: [
        {
          matches: [{ path: { type: "PathPrefix", value: w.env.ingress?.path ?? "/" } }],
          backendRefs: [
            { name: n.stable, port: SERVICE_PORT, weight: 100 - weight },
            { name: n.canary, port: SERVICE_PORT, weight },
          ],
        },
      ],
    },
  };
}
