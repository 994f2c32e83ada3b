// Gantry's rendered manifests against a real API server: server-side dry-run of every object, and
// Pod Security "restricted" enforced by the real admission plugin (a violating variant is refused).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";

import { normaliseEnvironment } from "../support/environment.js";
import { applyArgv } from "../../core/kube/kubectl.js";
import { renderDeployment } from "../../core/kube/manifests/deployment.js";
import { workload } from "../../core/kube/manifests/objects.js";
import { toYaml } from "../../core/kube/manifests/yaml.js";
import { renderEnvironment } from "../../core/kube/rollout/base-objects.js";
import { planRollout } from "../../core/kube/rollout/plan.js";
import { startCluster, type Cluster } from "../support/cluster.js";
import { installGatewayApi, restrictedNamespace } from "../support/kube-host.js";

const IMAGE = `ghcr.io/acme/hello-api@sha256:${"a".repeat(64)}`;
let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster();
  await installGatewayApi(cluster);
});
afterAll(async () => {
  await cluster?.stop();
});

function everything(namespace: string, strategy: Record<string, unknown>) {
  const env = normaliseEnvironment(
    "staging",
    {
      namespace,
      config: { GREETING: "hello" },
      secrets: ["db-credentials", { name: "api-keys", key: "stripe", env: "STRIPE_KEY" }],
      ingress: { host: "api.example.com", tlsSecret: "api-tls", className: "nginx" },
      hpa: { minReplicas: 2, maxReplicas: 5 },
      pdb: { minAvailable: 1 },
      probes: { startup: { path: "/healthz" } },
      strategy,
    },
    { file: "pipelines/hello.yaml" },
  );
  return workload("hello-api", IMAGE, env, "1.2.3");
}

/** The core's apply argv with --dry-run=server, run by the cluster's kubectl. */
async function dryRun(namespace: string, yaml: string) {
  return cluster.kubectl(applyArgv(namespace, { dryRun: true }).slice(1), { input: yaml });
}

describe("rendered manifests on a real API server", () => {
  for (const [name, strategy] of [
    ["rolling", { type: "rolling" }],
    ["canary (nginx)", { type: "canary", trafficRouter: "nginx" }],
    ["canary (Gateway API)", { type: "canary", trafficRouter: { type: "gatewayApi", gateway: "public" } }],
    ["blue-green", { type: "blueGreen" }],
  ] as const) {
    it(`${name}: every object passes server-side dry-run in a restricted namespace, without Pod Security warnings`, async () => {
      const ns = await restrictedNamespace(cluster, "manifests");
      const objects = renderEnvironment(planRollout(everything(ns, strategy)));
      const ran = await dryRun(ns, toYaml(objects));
      expect(ran.stderr).not.toMatch(/PodSecurity|violate/);
      expect(ran.status, ran.stderr).toBe(0);
      for (const o of objects) expect(ran.stdout).toContain(`${o.metadata.name} serverside-applied (server dry run)`);
    });
  }

  it("the pod itself is admitted under restricted, and a variant without the security context is refused", async () => {
    const ns = await restrictedNamespace(cluster, "pss");
    const template = (renderDeployment(everything(ns, { type: "rolling" }), { track: "stable", replicas: 1 }) as any).spec.template;
    const pod = (spec: unknown) =>
      stringify({ apiVersion: "v1", kind: "Pod", metadata: { name: "probe", namespace: ns, labels: template.metadata.labels }, spec });
    const admitted = await dryRun(ns, pod(template.spec));
    expect(admitted.status, admitted.stderr).toBe(0);

    const container = { ...template.spec.containers[0] };
    delete container.securityContext;
    const loose = { ...template.spec, securityContext: {}, containers: [container] };
    const refused = await dryRun(ns, pod(loose));
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/violates PodSecurity "restricted/);
    expect(refused.stderr).toMatch(/allowPrivilegeEscalation != false/);
    expect(refused.stderr).toMatch(/runAsNonRoot != true/);
  });
});
