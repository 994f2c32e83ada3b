import type { Environment } from "../config/types.js";
import { renderDeployment, revisionOf } from "../manifests/deployment.js";
import { objectNames, type Track } from "../manifests/names.js";
import type { KubeObject, Workload } from "../manifests/objects.js";

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
}

export function planRollout(workload: Workload, options: { pollMs?: number; commitTime?: number } = {}): RolloutPlan {
  const commit = options.commitTime ? { commitTime: options.commitTime } : {};
  return { workload, revision: revisionOf(workload), names: objectNames(workload.service), pollMs: options.pollMs ?? 2000, ...commit };
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
