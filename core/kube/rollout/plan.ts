import type { Environment } from "../config/types.js";
import { renderDeployment, revisionOf } from "../manifests/deployment.js";
import { NAME_LABEL, objectNames, type Track } from "../manifests/names.js";
import type { KubeObject, Workload } from "../manifests/objects.js";
import { chartDeployment, chartEnvironment, chartRevision, type ChartWorkload } from "./chart.js";

/** A rollout to walk: what to deploy, and the names of everything involved. */
export interface RolloutPlan {
  workload: Workload;
  /** revisionOf(workload): the identity of what is being rolled out. */
  revision: string;
  names: ReturnType<typeof objectNames>;
  /** How often to observe while waiting. Default 2s. */
  pollMs: number;
  /** Epoch ms of the commit being rolled out, when known: recorded for the lead time of `history`. */
  commitTime?: number;
  /** The user's chart, when its objects are rolled out instead of Gantry's own (names follow its Deployment). */
  chart?: ChartWorkload;
  /** The labels that find the service's objects and pods. */
  selector: Record<string, string>;
}

export function planRollout(workload: Workload, options: { pollMs?: number; commitTime?: number; chart?: ChartWorkload } = {}): RolloutPlan {
  const pollMs = options.pollMs ?? 2000;
  const commit = options.commitTime ? { commitTime: options.commitTime } : {};
  const chart = options.chart;
  if (chart) {
    // The service is the chart's app name: Gantry's own objects (canary Service, HTTPRoute) carry it, and are found by it.
    const w = { ...workload, service: chart.app, env: chartEnvironment(workload.env, chart) };
    return {
      workload: w,
      revision: chartRevision(chart),
      names: objectNames(chart.deployment.metadata.name),
      pollMs,
      chart,
      selector: { [NAME_LABEL]: chart.app },
      ...commit,
    };
  }
  return { workload, revision: revisionOf(workload), names: objectNames(workload.service), pollMs, selector: { [NAME_LABEL]: workload.service }, ...commit };
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
  if (plan.chart)
    return chartDeployment(plan.chart, track, plan.names[track], plan.revision, { ...(hpaOwnsReplicas ? {} : { replicas }), labelStable: plan.chart.tracked });
  return renderDeployment(plan.workload, { track, ...(hpaOwnsReplicas ? {} : { replicas }) });
}
