import type { Environment, TrafficRouter } from "../config/types.js";
import { renderHpa, renderPdb } from "../manifests/availability.js";
import { renderConfigMap } from "../manifests/config-map.js";
import { renderDeployment, revisionOf } from "../manifests/deployment.js";
import { objectNames, type Track } from "../manifests/names.js";
import type { KubeObject, Workload } from "../manifests/objects.js";
import { renderService } from "../manifests/service.js";
import { routerFor } from "../routers/registry.js";
import { mainIngress, type Router, type RouterContext } from "../routers/router.js";

/** A rollout to walk: what to deploy, and the names of everything involved. */
export interface RolloutPlan {
  workload: Workload;
  /** revisionOf(workload): the identity of what is being rolled out. */
  revision: string;
  names: ReturnType<typeof objectNames>;
  /** How often to observe while waiting. Default 2s. */
  pollMs: number;
}

export function planRollout(workload: Workload, options: { pollMs?: number } = {}): RolloutPlan {
  return { workload, revision: revisionOf(workload), names: objectNames(workload.service), pollMs: options.pollMs ?? 2000 };
}

export function env(plan: RolloutPlan): Environment {
  return plan.workload.env;
}

/** Replicas a rollout starts from: the HPA's current choice when there is one, else the config. */
export function startingTotal(plan: RolloutPlan, observedStableReplicas: number | undefined): number {
  return env(plan).hpa ? (observedStableReplicas ?? env(plan).hpa!.minReplicas) : env(plan).replicas;
}

/**
 * The Deployment of a track at the plan's revision. With an HPA the stable one leaves replicas out
 * (the HPA owns them; a server-side apply that stopped sending them would reset them to 1). A
 * blue-green colour always sends them: it must come up at full size before the HPA is switched to it.
 */
export function deploymentFor(plan: RolloutPlan, track: Track, replicas: number): KubeObject {
  const hpaOwnsReplicas = env(plan).hpa !== undefined && track === "stable";
  return renderDeployment(plan.workload, { track, ...(hpaOwnsReplicas ? {} : { replicas }) });
}

/**
 * Objects that exist whatever the step: the ConfigMap of the revision (old ones stay, for
 * rollbacks), Services, HPA, PDB, the main Ingress, and the HTTPRoute at its current weight. Applying
 * them never moves traffic.
 */
export function baseObjects(plan: RolloutPlan, current: { activeColour?: "blue" | "green"; routeWeight: number }): KubeObject[] {
  const w = plan.workload;
  const n = plan.names;
  const e = env(plan);
  const s = e.strategy;
  const canary = s.kind === "canary" ? canaryRouter(plan, s.router) : undefined;
  const objects: (KubeObject | undefined)[] = [renderConfigMap(w), renderPdb(w)];
  if (s.kind === "blueGreen") {
    const active = current.activeColour ?? "blue";
    objects.push(renderService(w, n.stable, active), renderHpa(w, n[active]));
  } else {
    objects.push(renderService(w, n.stable, canary?.router.sharesService ? undefined : "stable"), renderHpa(w, n.stable));
    if (canary) objects.push(renderService(w, n.canary, "canary"));
  }
  // The canary's router renders the entry point (Ingress, HTTPRoute) at the current weight.
  objects.push(...(canary ? canary.router.render(canary.ctx, current.routeWeight) : mainIngress(plan)));
  return objects.filter((o): o is KubeObject => o !== undefined);
}

/**
 * Every object of the service as it stands after a completed rollout (or a first deploy): what
 * `manifests` prints and what a server-side dry-run checks.
 */
export function renderEnvironment(plan: RolloutPlan): KubeObject[] {
  const s = env(plan).strategy;
  const main = s.kind === "blueGreen" ? "blue" : "stable";
  return [...baseObjects(plan, { routeWeight: 0 }), deploymentFor(plan, main, env(plan).replicas)];
}

/** The canary's traffic router and what its calls receive. */
export function canaryRouter<C extends TrafficRouter>(plan: RolloutPlan, config: C): { router: Router<C>; ctx: RouterContext<C> } {
  return { router: routerFor(config), ctx: { plan, config } };
}
