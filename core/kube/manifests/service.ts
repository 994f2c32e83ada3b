import { commonLabels, NAME_LABEL, TRACK_LABEL, type Track } from "./names.js";
import { meta, type KubeObject, type Workload } from "./objects.js";

/** The port Services expose; they target the container's named port `http`. */
export const SERVICE_PORT = 80;

/**
 * A ClusterIP Service. With a track it selects that track's pods only; without one it selects every
 * pod of the service (the replica-ratio canary, where the weight is the share of ready pods).
 */
export function renderService(w: Workload, name: string, track?: Track): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta(w, name, commonLabels(w.service, w.version)),
    spec: {
      type: "ClusterIP",
      selector: { [NAME_LABEL]: w.service, ...(track ? { [TRACK_LABEL]: track } : {}) },
      ports: [{ name: "http", port: SERVICE_PORT, targetPort: "http", protocol: "TCP" }],
    },
  };
}
