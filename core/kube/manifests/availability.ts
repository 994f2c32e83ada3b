import { commonLabels, NAME_LABEL } from "./names.js";
import { meta, type KubeObject, type Workload } from "./objects.js";

/** autoscaling/v2 HPA on CPU utilisation, scaling the Deployment named `target`. */
export function renderHpa(w: Workload, target: string): KubeObject | undefined {
  const hpa = w.env.hpa;
  if (!hpa) return undefined;
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: meta(w, w.service, commonLabels(w.service, w.version)),
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: target },
      minReplicas: hpa.minReplicas,
      maxReplicas: hpa.maxReplicas,
      metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: hpa.cpuUtilization } } }],
    },
  };
}

/** policy/v1 PodDisruptionBudget over every pod of the service (all tracks). */
export function renderPdb(w: Workload): KubeObject | undefined {
  const pdb = w.env.pdb;
  if (!pdb) return undefined;
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: meta(w, w.service, commonLabels(w.service, w.version)),
    spec: { ...pdb, selector: { matchLabels: { [NAME_LABEL]: w.service } } },
  };
}
