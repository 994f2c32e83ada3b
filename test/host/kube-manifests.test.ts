// Gantry's rendered manifests against a real API server: server-side dry-run of every object, and
// Pod Security "restricted" enforced by the real admission plugin (a violating variant is refused).
import { fileURLToPath } from "node:url";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments, stringify } from "yaml";

import { normaliseEnvironment } from "../../core/kube/config/normalise.js";
import { applyArgv, kustomizeArgv } from "../../core/kube/kubectl.js";
import { pinUserManifests } from "../../core/kube/manifests/user-manifests.js";
import { renderDeployment } from "../../core/kube/manifests/deployment.js";
import { workload } from "../../core/kube/manifests/objects.js";
import { toYaml } from "../../core/kube/manifests/yaml.js";
import { planRollout, renderEnvironment } from "../../core/kube/rollout/plan.js";
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
    const pod = (spec: unknown) => stringify({ apiVersion: "v1", kind: "Pod", metadata: { name: "probe", namespace: ns, labels: template.metadata.labels }, spec });
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

describe("the user's own manifests", () => {
  it("a kustomization rendered by kubectl kustomize, pinned by digest, passes server-side dry-run under restricted", async () => {
    const ns = await restrictedNamespace(cluster, "kustomize");
    const overlay = fileURLToPath(new URL("../fixtures/kube/kustomize/overlay", import.meta.url));
    const rendered = await cluster.kubectl(kustomizeArgv(overlay).slice(1));
    expect(rendered.status, rendered.stderr).toBe(0);
    const { yaml, replaced } = pinUserManifests(rendered.stdout, IMAGE, "kustomize/overlay", "ghcr.io/acme/hello-api");
    expect(replaced).toBe(1);
    const deployment = parseAllDocuments(yaml).map((d) => d.toJS()).find((o) => o.kind === "Deployment");
    expect(deployment.metadata.name).toBe("prod-hello-api");
    expect(deployment.spec.template.spec.containers[0].image).toBe(IMAGE);
    const ran = await dryRun(ns, yaml);
    expect(ran.status, ran.stderr).toBe(0);
    expect(ran.stderr).not.toMatch(/PodSecurity/);
    expect(ran.stdout).toContain("deployment.apps/prod-hello-api serverside-applied (server dry run)");
  });
});
