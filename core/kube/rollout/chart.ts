// A Helm chart's objects as a rollout's objects (issue 21, item 1): the chart's Deployment is the
// stable track, its Service the anchor that records the rollout's state, and the canary (or a
// blue-green colour) a copy of the Deployment under <name>-canary (-blue, -green). Apart from
// plan.ts, which imports it, so the plan's type and these functions do not import each other.
import { GantryError } from "../../errors.js";
import type { Environment } from "../config/types.js";
import { contentHash } from "../manifests/hash.js";
import { NAME_LABEL, REVISION_ANNOTATION, TRACK_LABEL, type Track } from "../manifests/names.js";
import type { KubeObject } from "../manifests/objects.js";

/** The chart's rendered objects, split into the workload Deployment and the rest. */
export interface ChartWorkload {
  /** The Deployment rolled out, as the chart renders it (image already set through its values). */
  deployment: KubeObject;
  /** Every other object of the chart, applied as rendered. */
  objects: KubeObject[];
  /** The Deployment's spec.selector.matchLabels: the canary's copies select by them and the track. */
  selector: Record<string, string>;
  /** Their app.kubernetes.io/name: how Gantry finds the chart's objects and its own, which it labels so. */
  app: string;
  /** The Service selecting the Deployment's pods, of the same name: where the rollout's state is recorded. */
  service: string;
  /** The stable's pods carry the track label (a canary router that does not share the Service needs to tell them apart). */
  tracked: boolean;
}

type Loose = Record<string, any>;

/**
 * Splits the chart's objects: `deployment` names the workload. The rollout needs a Service of the
 * Deployment's name selecting its pods (the chart's own, as `helm create` makes it).
 */
export function chartWorkload(objects: KubeObject[], deployment: KubeObject, tracked: boolean): ChartWorkload {
  const name = deployment.metadata.name;
  const selector = (deployment as Loose)["spec"]?.["selector"]?.["matchLabels"] as Record<string, string> | undefined;
  if (!selector || Object.keys(selector).length === 0 || (deployment as Loose)["spec"]?.["selector"]?.["matchExpressions"]) {
    throw new GantryError(
      `chart: Deployment ${name} needs a spec.selector.matchLabels (and no matchExpressions): Gantry selects its pods and its canary's by those labels`,
    );
  }
  if (!selector[NAME_LABEL]) {
    throw new GantryError(
      `chart: Deployment ${name}'s selector has no ${NAME_LABEL} label; Gantry finds the chart's objects, and labels its own (canary Service, HTTPRoute), by that label`,
    );
  }
  const service = objects.find((o) => o.kind === "Service" && o.metadata.name === name);
  const serviceSelector = (service as Loose | undefined)?.["spec"]?.["selector"] as Record<string, string> | undefined;
  if (!service || !serviceSelector || !Object.entries(serviceSelector).every(([k, v]) => selector[k] === v)) {
    throw new GantryError(
      `chart: no Service named ${name} selects the pods of Deployment ${name}; the rollout records its state on that Service (the chart's own, as helm create renders it)`,
    );
  }
  return { deployment, objects: objects.filter((o) => o !== deployment), selector, app: selector[NAME_LABEL], service: name, tracked };
}

/** What the chart's Deployment runs, as a short hash of its pod template: equal means already deployed. */
export function chartRevision(chart: ChartWorkload): string {
  return contentHash({ chart: (chart.deployment as Loose)["spec"]?.["template"] ?? {} }, 16);
}

/**
 * The environment as the chart makes it: the pods and the HPA are the chart's, so the rollout
 * starts from the Deployment's replicas and leaves them to the chart's HPA when it has one.
 */
export function chartEnvironment(env: Environment, chart: ChartWorkload): Environment {
  const replicas = (chart.deployment as Loose)["spec"]?.["replicas"];
  const hpa = chart.objects.find((o) => isChartHpa(chart, o)) as Loose | undefined;
  const { hpa: _own, pdb: _pdb, ...rest } = env;
  const out: Environment = { ...rest, replicas: typeof replicas === "number" ? replicas : 1 };
  if (hpa && env.strategy.kind === "canary" && env.strategy.router.kind === "replicas") {
    throw new GantryError(
      `environment ${env.name}: the chart's HPA ${hpa["metadata"]?.["name"]} and the replicas traffic router would fight over the stable's replicas; use trafficRouter nginx or gatewayApi`,
    );
  }
  if (hpa) {
    const min = Number(hpa["spec"]?.["minReplicas"] ?? 1);
    // The rollout reads the bounds only; the chart's own HPA object is what gets applied (hpaFor).
    out.hpa = { minReplicas: min, maxReplicas: Number(hpa["spec"]?.["maxReplicas"] ?? min), cpuUtilization: 80 };
    out.replicas = min;
  }
  return out;
}

/**
 * The chart's Deployment on a track. Stable: the chart's own, with the revision annotation on its
 * pod template (how Gantry tells revisions apart) and, when the stable's pods must be told from the
 * canary's by the Service, the track label. Another track: a copy named `name`, whose selector and
 * pods add the track label so the two never share pods.
 */
export function chartDeployment(
  chart: ChartWorkload,
  track: Track,
  name: string,
  revision: string,
  options: { replicas?: number; labelStable: boolean },
): KubeObject {
  const d = structuredClone(chart.deployment) as Loose;
  const spec = (d["spec"] ??= {});
  const template = (spec["template"] ??= {});
  const meta = (template["metadata"] ??= {});
  meta["annotations"] = { ...(meta["annotations"] ?? {}), [REVISION_ANNOTATION]: revision };
  if (options.replicas === undefined) delete spec["replicas"];
  else spec["replicas"] = options.replicas;
  if (track !== "stable" || options.labelStable) meta["labels"] = { ...(meta["labels"] ?? {}), [TRACK_LABEL]: track };
  if (track !== "stable") {
    d["metadata"] = { ...d["metadata"], name };
    spec["selector"] = { matchLabels: { ...chart.selector, [TRACK_LABEL]: track } };
  }
  return d as KubeObject;
}

/**
 * The chart's other objects as a rollout applies them: unchanged, except that
 * - with a canary, the canary's own Service (a copy of the chart's, selecting the canary's pods) is
 *   added, and when the router does not share the Service between tracks, the chart's Service
 *   selects the stable's pods;
 * - with blue-green, the chart's Service selects the active colour's pods and the chart's HPA scales
 *   that colour's Deployment (the colours are copies of the chart's Deployment).
 */
export function chartBaseObjects(chart: ChartWorkload, options: { canaryService?: string; active?: { colour: Track; deployment: string } }): KubeObject[] {
  const { active } = options;
  const objects = chart.objects.map((o) => {
    if (o.kind === "Service" && o.metadata.name === chart.service) {
      if (active) return chartService(chart, o.metadata.name, active.colour);
      return chart.tracked ? chartService(chart, o.metadata.name, "stable") : o;
    }
    if (active && isChartHpa(chart, o)) return retargeted(o, active.deployment);
    return o;
  });
  return options.canaryService ? [...objects, chartService(chart, options.canaryService, "canary")] : objects;
}

/** A copy of the chart's Service named `name` selecting the pods of `track` (the canary's, a blue-green preview, the active colour). */
export function chartService(chart: ChartWorkload, name: string, track: Track): KubeObject {
  return withSelector(
    chart.objects.find((o) => o.kind === "Service" && o.metadata.name === chart.service)!,
    name,
    track,
  );
}

/** The chart's HPA of the workload, scaling `target` instead (a blue-green colour); undefined when the chart has none. */
export function chartHpa(chart: ChartWorkload, target: string): KubeObject | undefined {
  const hpa = chart.objects.find((o) => isChartHpa(chart, o));
  return hpa && retargeted(hpa, target);
}

function isChartHpa(chart: ChartWorkload, o: KubeObject): boolean {
  return o.kind === "HorizontalPodAutoscaler" && (o as Loose)["spec"]?.["scaleTargetRef"]?.["name"] === chart.deployment.metadata.name;
}

function retargeted(hpa: KubeObject, target: string): KubeObject {
  const h = structuredClone(hpa) as Loose;
  h["spec"]["scaleTargetRef"] = { ...h["spec"]["scaleTargetRef"], name: target };
  return h as KubeObject;
}

function withSelector(service: KubeObject, name: string, track: Track): KubeObject {
  const s = structuredClone(service) as Loose;
  s["metadata"] = { ...s["metadata"], name };
  s["spec"] = { ...s["spec"], selector: { ...(s["spec"]?.["selector"] ?? {}), [TRACK_LABEL]: track } };
  if (name !== service.metadata.name) {
    delete s["spec"]["clusterIP"];
    delete s["spec"]["clusterIPs"];
  }
  return s as KubeObject;
}
