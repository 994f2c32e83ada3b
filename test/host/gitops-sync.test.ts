// The Argo CD Application and the Flux GitRepository and Kustomization Gantry writes, checked by
// server-side dry-run against the tools' real CRDs (fetched by scripts/install-gitops-crds.sh)
// installed in the test control plane.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { syncObjects, SYNC_TOOLS } from "../../core/kube/gitops/sync-objects.js";
import { applyArgv } from "../../core/kube/kubectl.js";
import { toYaml } from "../../core/kube/manifests/yaml.js";
import { startCluster, type Cluster } from "../support/cluster.js";
import { installGitOpsCrds } from "../support/gitops-crds.js";
import { environment } from "../unit/kube/fixtures.js";

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster();
  await installGitOpsCrds(cluster);
  for (const ns of ["argocd", "flux-system"]) await cluster.kubectl(["create", "namespace", ns]);
});
afterAll(async () => {
  await cluster?.stop();
});

const GITOPS = { repository: "https://git.example.com/team/deploy.git", branch: "main", path: "k8s/overlays/production", credentials: "env:GITOPS_TOKEN" };
const ENVIRONMENTS = {
  rolling: environment({ gitops: GITOPS }),
  "canary (replicas)": environment({ gitops: GITOPS, strategy: { type: "canary" } }),
  "canary (gatewayApi)": environment({
    gitops: { ...GITOPS, path: "." },
    strategy: { type: "canary", trafficRouter: { type: "gatewayApi", gateway: "public" } },
  }),
};

async function dryRun(namespace: string, yaml: string) {
  return cluster.kubectl(applyArgv(namespace, { dryRun: true }).slice(1), { input: yaml });
}

describe("GitOps sync objects against the real Argo CD and Flux CRDs (server-side dry-run)", () => {
  for (const [name, env] of Object.entries(ENVIRONMENTS)) {
    for (const tool of SYNC_TOOLS) {
      it(`${tool}, ${name}: accepted by the API server with the tool's schema`, async () => {
        const objects = syncObjects(tool, "hello-api", env, tool === "flux" ? { secretName: "deploy-repo" } : {});
        const ran = await dryRun(tool === "argocd" ? "argocd" : "flux-system", toYaml(objects));
        expect(ran.stderr).toBe("");
        expect(ran.status).toBe(0);
        expect(ran.stdout).toContain("serverside-applied (server dry run)");
      });
    }
  }

  it("the schemas are enforced: a Kustomization without its sourceRef and an Application without a destination are refused", async () => {
    const [kustomization] = syncObjects("flux", "hello-api", ENVIRONMENTS.rolling).filter((o) => o.kind === "Kustomization");
    const { sourceRef: _s, ...spec } = kustomization!["spec"] as Record<string, unknown>;
    const refused = await dryRun("flux-system", toYaml([{ ...kustomization!, spec }]));
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/sourceRef: Required value/);
    const [application] = syncObjects("argocd", "hello-api", ENVIRONMENTS.rolling);
    const { destination: _d, ...appSpec } = application!["spec"] as Record<string, unknown>;
    const refusedApp = await dryRun("argocd", toYaml([{ ...application!, spec: appSpec }]));
    expect(refusedApp.status).not.toBe(0);
    expect(refusedApp.stderr).toMatch(/destination: Required value/);
  });

  it("refuses an environment without gitops: naming it", () => {
    expect(() => syncObjects("argocd", "hello-api", environment({}))).toThrow(/environment staging has no gitops: section/);
  });
});
