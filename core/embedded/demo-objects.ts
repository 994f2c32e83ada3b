// Objects the embedded demo adds around a rollout: the namespace (the embedded cluster starts empty;
// labelled as `createNamespace: true` would create it on a real cluster) and a NodePort Service through which the demo's traffic
// reaches both tracks from outside the cluster.
import { commonLabels, NAME_LABEL } from "../kube/manifests/names.js";
import { renderNamespace } from "../kube/manifests/namespace.js";
import type { KubeObject, Workload } from "../kube/manifests/objects.js";
import { SERVICE_PORT } from "../kube/manifests/service.js";
import { PIECES } from "./pieces.js";
import { trafficArgv } from "../kube/config/traffic.js";

/** The k3s node's port the demo traffic is sent to. */
export const DEMO_NODE_PORT = 30080;

export function demoObjects(w: Workload): KubeObject[] {
  return [
    renderNamespace(w.env.namespace),
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: `${w.service}-demo`, namespace: w.env.namespace, labels: commonLabels(w.service, w.version) },
      spec: {
        type: "NodePort",
        // Every pod of the service, whatever its track: the share each track gets is the rollout's.
        selector: { [NAME_LABEL]: w.service },
        ports: [{ name: "http", port: SERVICE_PORT, targetPort: "http", nodePort: DEMO_NODE_PORT, protocol: "TCP" }],
      },
    },
  ];
}

/** Requests per second the demo's traffic sends to both tracks: a few a second reach a 5% canary. */
export const DEMO_TRAFFIC_RATE = 20;

/** The traffic loop, run in a container bound to the k3s service: GET / through the NodePort. */
export function demoTrafficArgv(): string[] {
  return trafficArgv(`http://${PIECES.k3s.host}:${DEMO_NODE_PORT}/`, DEMO_TRAFFIC_RATE);
}
