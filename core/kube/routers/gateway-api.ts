import { z } from "zod";

import { dnsLabel, dnsName, ingressHost, token } from "../config/fields.js";
import { commonLabels } from "../manifests/names.js";
import { meta, type KubeObject } from "../manifests/objects.js";
import { SERVICE_PORT } from "../manifests/service.js";
import type { SessionAffinity } from "../config/types.js";
import type { Action } from "../rollout/actions.js";
import { isRecord } from "../json.js";
import { routedObject, type Router, type RouterContext } from "./router.js";

/** Gateway API: an HTTPRoute whose two backendRefs carry the weights. */
export interface GatewayApiRouter {
  kind: "gatewayApi";
  gateway: { name: string; namespace?: string; sectionName?: string };
  hostnames: string[];
  /** Requests the canary receives whatever the weight, as soon as it has traffic (A/B: testers, a beta cookie). */
  canaryMatch?: { headers: HeaderMatch[] };
  /** sessionPersistence on every rule (Gateway API's experimental channel). */
  sessionAffinity?: SessionAffinity;
}

/** An HTTPRoute header match; a cookie is a RegularExpression match on the Cookie header. */
export interface HeaderMatch {
  type: "Exact" | "RegularExpression";
  name: string;
  value: string;
}

// A cookie value's octets (RFC 6265): no space, quote, comma, semicolon or backslash.
const cookieValue = z
  .string()
  .regex(/^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]{1,1024}$/, "expected a cookie value (printable ASCII without space, '\"', ',', ';' or '\\')");

const canaryMatch = z
  .strictObject({
    headers: z
      .array(z.strictObject({ name: token("an HTTP header name"), value: z.string().min(1).max(4096).describe("Its exact value.") }))
      .min(1)
      .optional()
      .describe("Every one of these headers, with these exact values."),
    cookie: z
      .strictObject({ name: token("a cookie name"), value: cookieValue })
      .optional()
      .describe("A cookie with this exact value."),
  })
  .refine((m) => m.headers !== undefined || m.cookie !== undefined, "expected headers, a cookie, or both");

const input = z.strictObject({
  type: z.literal("gatewayApi"),
  gateway: dnsName.describe("The Gateway the HTTPRoute attaches to."),
  gatewayNamespace: dnsLabel.optional().describe("Its namespace. Default: the environment's."),
  sectionName: dnsName.optional().describe("The Gateway listener to attach to."),
  hostnames: z.array(ingressHost).optional().describe("Hostnames of the HTTPRoute. Default: the ingress host."),
  canaryMatch: canaryMatch
    .optional()
    .describe(
      "Requests sent to the canary whatever the weight, once it has ready pods (A/B). A cookie match needs a Gateway implementation with RegularExpression header matches (Envoy Gateway, Istio, Cilium, NGINX Gateway Fabric).",
    ),
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
    ...(r.canaryMatch ? { canaryMatch: { headers: headerMatches(r.canaryMatch) } } : {}),
    ...(e.sessionAffinity ? { sessionAffinity: e.sessionAffinity } : {}),
  }),
  problems: (e, config) =>
    e.matchStep !== undefined && !config.canaryMatch
      ? [
          {
            path: ["strategy", "steps", e.matchStep, "match"],
            message: "needs trafficRouter.canaryMatch: the headers or the cookie of the requests sent to the canary",
          },
        ]
      : [],
  keepsSessions: { supported: true },

  sharesService: false,
  // The HTTPRoute replaces the Ingress: the Gateway is the entry point.
  render: (ctx, weight) => [route(ctx, weight)],
  observes: ["httproutes.gateway.networking.k8s.io"],
  observedWeight: ({ plan }, obs) => observedRoute(plan.names, routedObject(obs, "HTTPRoute", plan.names.stable)?.spec).weight,
  // The loop calls it once the canary has ready pods: from then on the chosen requests go to it too.
  applyWeight: (ctx, weight, { obs }) => {
    const now = observedRoute(ctx.plan.names, routedObject(obs, "HTTPRoute", ctx.plan.names.stable)?.spec);
    if (now.weight === weight && now.matched === (ctx.config.canaryMatch !== undefined)) return undefined;
    return setWeight(ctx, weight, `route ${weight}% to the canary${ctx.config.canaryMatch ? ", and the matched requests" : ""}`, true);
  },
  matchOnly: {
    observed: (ctx, obs) => observedRoute(ctx.plan.names, routedObject(obs, "HTTPRoute", ctx.plan.names.stable)?.spec).matched,
    apply: (ctx, obs) => {
      const now = observedRoute(ctx.plan.names, routedObject(obs, "HTTPRoute", ctx.plan.names.stable)?.spec);
      if (now.matched && now.weight === 0) return undefined;
      return setWeight(ctx, 0, "route the matched requests, and only them, to the canary", true);
    },
  },
  release: (ctx, obs, reason) => {
    const now = observedRoute(ctx.plan.names, routedObject(obs, "HTTPRoute", ctx.plan.names.stable)?.spec);
    return now.weight > 0 || now.matched ? setWeight(ctx, 0, reason, false) : undefined;
  },
};

function setWeight(ctx: RouterContext<GatewayApiRouter>, weight: number, reason: string, matched: boolean): Action {
  return { kind: "apply", objects: [route(ctx, weight, matched)], reason, weight };
}

/** The cookie as a match on the Cookie header: `name=value` as one whole pair of the list. */
function headerMatches(m: { headers?: { name: string; value: string }[]; cookie?: { name: string; value: string } }): HeaderMatch[] {
  const headers: HeaderMatch[] = (m.headers ?? []).map((h) => ({ type: "Exact", name: h.name, value: h.value }));
  if (m.cookie)
    headers.push({ type: "RegularExpression", name: "Cookie", value: `(^|;\\s*)${escapeRegExp(m.cookie.name)}=${escapeRegExp(m.cookie.value)}(;|$)` });
  return headers;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The canary's weight in the split rule (the one that names both backends; the API's default
 * weight is 1) and whether a match rule sends requests to the canary alone.
 */
function observedRoute(n: { stable: string; canary: string }, spec: Record<string, unknown> | undefined): { weight: number; matched: boolean } {
  const seen = { weight: 0, matched: false };
  const rules = spec?.["rules"];
  for (const rule of Array.isArray(rules) ? rules : []) {
    const refs: unknown = isRecord(rule) ? rule["backendRefs"] : undefined;
    const backends = (Array.isArray(refs) ? refs : []).filter(isRecord);
    const canary = backends.find((r) => r["name"] === n.canary);
    if (!canary) continue;
    if (!backends.some((r) => r["name"] === n.stable)) {
      seen.matched = true;
      continue;
    }
    const weight = canary["weight"];
    seen.weight = typeof weight === "number" && Number.isFinite(weight) ? weight : 1;
  }
  return seen;
}

/**
 * The HTTPRoute (named as the main Service) splitting traffic: stable gets 100 - weight, canary gets
 * weight; when `matched`, a first rule sends the requests of canaryMatch to the canary alone (a rule
 * with header matches takes precedence over one without, for the same path).
 */
function route({ plan, config }: RouterContext<GatewayApiRouter>, weight: number, matched = false): KubeObject {
  const w = plan.workload;
  const n = plan.names;
  const g = config.gateway;
  const path = { type: "PathPrefix", value: w.env.ingress?.path ?? "/" };
  const parent = { name: g.name, ...(g.namespace ? { namespace: g.namespace } : {}), ...(g.sectionName ? { sectionName: g.sectionName } : {}) };
  const sessions = config.sessionAffinity ? { sessionPersistence: sessionPersistence(config.sessionAffinity) } : {};
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: meta(w, n.stable, commonLabels(w.service, w.version)),
    spec: {
      parentRefs: [parent],
      ...(config.hostnames.length ? { hostnames: config.hostnames } : {}),
      rules: [
        ...(matched && config.canaryMatch
          ? [{ matches: [{ path, headers: config.canaryMatch.headers }], backendRefs: [{ name: n.canary, port: SERVICE_PORT }], ...sessions }]
          : []),
        {
          matches: [{ path }],
          backendRefs: [
            { name: n.stable, port: SERVICE_PORT, weight: 100 - weight },
            { name: n.canary, port: SERVICE_PORT, weight },
          ],
          ...sessions,
        },
      ],
    },
  };
}

/**
 * Gateway API's sessionPersistence (GEP-1619, v1.7 experimental channel): the client keeps its pod
 * within the backend the rule chose; it never overrides the weights (the split decides the track).
 */
function sessionPersistence(a: SessionAffinity): Record<string, unknown> {
  const lifetime = a.cookieLifetime ? { lifetimeType: a.cookieLifetime } : {};
  return {
    type: a.type,
    ...(a.absoluteTimeout ? { absoluteTimeout: a.absoluteTimeout } : {}),
    ...(a.type === "Cookie" ? { cookie: { ...(a.name ? { name: a.name } : {}), ...lifetime } } : { header: { name: a.name } }),
  };
}
