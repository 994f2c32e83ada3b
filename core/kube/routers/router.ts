import type { z } from "zod";

import type { SessionAffinity } from "../config/types.js";
import { renderIngress } from "../manifests/ingress.js";
import type { KubeObject } from "../manifests/objects.js";
import type { Action } from "../rollout/actions.js";
import { routingKey, type Observed } from "../rollout/observed.js";
import type { RolloutPlan } from "../rollout/plan.js";

/** A router's settings in the Environment: its `kind` (the registry's key) and what it needs. */
export interface RouterConfig {
  kind: string;
}

/** What every call of a router receives: the rollout and the router's own settings. */
export interface RouterContext<C extends RouterConfig> {
  plan: RolloutPlan;
  config: C;
}

/** What the environment says that a router may depend on, for its configuration checks. */
export interface RouterEnvironmentFacts {
  ingress?: { host: string };
  hpa: boolean;
  /** Index of the canary's `match` step (A/B before any weight), when it has one. */
  matchStep?: number;
  /** strategy.sessionAffinity, for a router that keeps sessions (keepsSessions). */
  sessionAffinity?: SessionAffinity;
}

/**
 * How traffic is split between the stable and the canary pods, as Flagger's `pkg/router` and
 * Argo Rollouts' traffic routers split it. A router is one file in this folder plus one line in
 * registry.ts; the rollout loop (rollout/canary.ts) only calls these methods.
 */
export interface Router<C extends RouterConfig, Input extends z.ZodObject = z.ZodObject> {
  kind: C["kind"];

  /** Its settings in the pipeline file: `{type: <kind>, ...}`; `type` must be the literal kind. */
  input: Input;
  /** May be written as the bare name (`trafficRouter: nginx`): it has no required setting. */
  shorthand: boolean;
  /** What it splits with, for the schema's description: `ingress-nginx canary`. */
  summary: string;
  /** How the schema's error names it: `nginx`, `{type: gatewayApi, gateway: <name>}`. */
  usage: string;
  /** The settings from the parsed input (the output of `input`). */
  configFrom(input: z.output<Input>, e: RouterEnvironmentFacts): C;
  /** What it refuses in the environment and its own settings, each with the field path inside the environment. */
  problems(e: RouterEnvironmentFacts, config: C): { path: (string | number)[]; message: string }[];
  /**
   * Whether it can keep a client on one pod (strategy.sessionAffinity); when it cannot, why, and
   * the pipeline file's loader refuses the setting with that reason.
   */
  keepsSessions: { supported: true } | { supported: false; why: string };

  /** The main Service selects both tracks: the weight is then the share of ready pods. */
  sharesService: boolean;
  /** What it renders whatever the step, the canary at `weight`: the entry point and the route. */
  render(ctx: RouterContext<C>, weight: number): KubeObject[];
  /** Resources `kubectl get` must read for observedWeight, beyond Deployments, Services and Pods. */
  observes: string[];
  /** The canary's share of the traffic as the cluster routes it now, 0-100. */
  observedWeight(ctx: RouterContext<C>, obs: Observed): number;
  /**
   * The action that gives the canary `weight` percent of the traffic (its pods are ready), or
   * undefined when it already has it. `total` is the pods the rollout started from.
   */
  applyWeight(ctx: RouterContext<C>, weight: number, at: { obs: Observed; total: number }): Action | undefined;
  /**
   * A `match` step (A/B before any weight): `observed` tells whether chosen requests reach the
   * canary now (read back from the cluster, so a resumed run knows); `apply` is the action that
   * sends them, and only them, to the canary (weight 0), or undefined when the route already does.
   * Absent when the router cannot match requests: the loader refuses a `match` step.
   */
  matchOnly?: {
    observed(ctx: RouterContext<C>, obs: Observed): boolean;
    apply(ctx: RouterContext<C>, obs: Observed): Action | undefined;
  };
  /**
   * On promote, abort, and before the canary takes another revision: all traffic to the stable,
   * removing what the router created for the canary alone; undefined when nothing routes to it.
   * (The canary's Deployment and Service are removed by the loop for every router.)
   */
  release(ctx: RouterContext<C>, obs: Observed, reason: string): Action | undefined;
}

/** The router's object `kind/name` as observed, or undefined when the cluster has none. */
export function routedObject(obs: Observed, kind: string, name: string): Observed["routing"][string] | undefined {
  return obs.routing[routingKey(kind, name)];
}

/** `release` of a router whose weight is its own setting: set it to 0 when the canary has some. */
export function releaseWeight<C extends RouterConfig>(router: Router<C>, ctx: RouterContext<C>, obs: Observed, toZero: () => Action): Action | undefined {
  return router.observedWeight(ctx, obs) > 0 ? toZero() : undefined;
}

/** The environment's Ingress to the main Service, when it has one (the entry point without a route of its own). */
export function mainIngress(plan: RolloutPlan): KubeObject[] {
  const ingress = plan.workload.env.ingress;
  return ingress ? [renderIngress(plan.workload, ingress, plan.names.stable, plan.names.stable)] : [];
}
