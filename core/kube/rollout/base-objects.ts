// What a rollout applies around its Deployments, through the canary's traffic router. Apart from
// plan.ts so that the routers, which read a RolloutPlan, are not imported by the file declaring it.
import type { TrafficRouter } from "../config/types.js";
import { renderHpa, renderPdb } from "../manifests/availability.js";
import { renderConfigMap } from "../manifests/config-map.js";
import type { KubeObject } from "../manifests/objects.js";
import { renderService } from "../manifests/service.js";
import { routerFor } from "../routers/registry.js";
import { mainIngress, type Router, type RouterContext } from "../routers/router.js";
import type { Track } from "../manifests/names.js";
import { chartBaseObjects, chartHpa, chartService } from "./chart.js";
import { deploymentFor, env, type RolloutPlan } from "./plan.js";

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
  const entry = canary ? canary.router.render(canary.ctx, current.routeWeight) : mainIngress(plan);
  if (plan.chart) {
    const active = s.kind === "blueGreen" ? (current.activeColour ?? "blue") : undefined;
    return [
      ...chartBaseObjects(plan.chart, {
        ...(canary ? { canaryService: n.canary } : {}),
        ...(active ? { active: { colour: active, deployment: n[active] } } : {}),
      }),
      ...entry,
    ];
  }
  const objects: (KubeObject | undefined)[] = [renderConfigMap(w), renderPdb(w)];
  if (s.kind === "blueGreen") {
    const active = current.activeColour ?? "blue";
    objects.push(renderService(w, n.stable, active), renderHpa(w, n[active]));
  } else {
    objects.push(renderService(w, n.stable, canary?.router.sharesService ? undefined : "stable"), renderHpa(w, n.stable));
    if (canary) objects.push(renderService(w, n.canary, "canary"));
  }
  // The canary's router renders the entry point (Ingress, HTTPRoute) at the current weight.
  objects.push(...entry);
  return objects.filter((o): o is KubeObject => o !== undefined);
}

/** The Service `name` selecting the pods of `track`: Gantry's own, or a copy of the chart's. */
export function trackService(plan: RolloutPlan, name: string, track: Track): KubeObject {
  return plan.chart ? chartService(plan.chart, name, track) : renderService(plan.workload, name, track);
}

/** The HPA scaling the Deployment `target`, when the environment (or its chart) has one. */
export function hpaFor(plan: RolloutPlan, target: string): KubeObject | undefined {
  return plan.chart ? chartHpa(plan.chart, target) : renderHpa(plan.workload, target);
}

/**
 * Every object of the service as it stands after a completed rollout (or a first deploy): what
 * `manifests` prints, what a server-side dry-run checks, and what a release record keeps (with
 * the colour a blue-green rollout left serving).
 */
export function renderEnvironment(plan: RolloutPlan, activeColour: "blue" | "green" = "blue"): KubeObject[] {
  const s = env(plan).strategy;
  const main = s.kind === "blueGreen" ? activeColour : "stable";
  return [...baseObjects(plan, { activeColour, routeWeight: 0 }), deploymentFor(plan, main, env(plan).replicas)];
}

/** The canary's traffic router and what its calls receive. */
export function canaryRouter<C extends TrafficRouter>(plan: RolloutPlan, config: C): { router: Router<C>; ctx: RouterContext<C> } {
  return { router: routerFor(config), ctx: { plan, config } };
}
