// rollback --to on a real control plane (kwok makes the pods Ready): deploy A, deploy B, roll back
// to A by revision and by digest, and the service's objects are A's again, its ConfigMap included.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { normaliseEnvironment } from "../support/environment.js";
import { configMapName } from "../../core/kube/manifests/config-map.js";
import { workload } from "../../core/kube/manifests/objects.js";
import { recordIfSucceeded, releaseRecords, rollback } from "../../core/kube/rollback.js";
import { KEEP_RELEASES } from "../../core/kube/rollout/releases.js";
import { planRollout, type RolloutPlan } from "../../core/kube/rollout/plan.js";
import { runRollout, status } from "../../core/kube/runner.js";
import { gitopsDeploy, gitopsRollback, type Provenance } from "../../core/kube/gitops/deploy.js";
import { startCluster, type Cluster } from "../support/cluster.js";
import { startGitServer } from "../support/git-server.js";
import { hostGit } from "../support/gitops-workspace.js";
import { clusterPorts, find, restrictedNamespace } from "../support/kube-host.js";

const image = (c: string) => `ghcr.io/acme/hello-api@sha256:${c.repeat(64)}`;
const A = image("a");
const B = image("b");

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster();
});
afterAll(async () => {
  await cluster?.stop();
});

function plan(namespace: string, raw: Record<string, unknown>, img: string): RolloutPlan {
  const env = normaliseEnvironment("staging", { namespace, progressDeadline: "30s", replicas: 2, ...raw }, { file: "pipelines/hello.yaml" });
  return planRollout(workload("hello-api", img, env, "1.0.0"), { pollMs: 300 });
}
const ports = () => clusterPorts(cluster);
const PROVENANCE: Provenance = { pipeline: "hello-api", run: "version 1.0.0", sourceDateEpoch: 1763769600 };
const deploy = async (p: RolloutPlan) => recordIfSucceeded(p, ports(), await runRollout(p, ports()));

/** What a release decides in the cluster: the Deployment's template and size, the Service's selector, the ConfigMap's data. */
async function snapshot(ns: string, deploymentName: string) {
  const d = await find(cluster, ns, `deployment/${deploymentName}`);
  const s = await find(cluster, ns, "service/hello-api");
  const container = d.spec.template.spec.containers[0];
  const configMap = container.envFrom?.find((f: any) => f.configMapRef)?.configMapRef.name;
  const data = configMap ? (await find(cluster, ns, `configmap/${configMap}`))?.data : undefined;
  return {
    revision: d.spec.template.metadata.annotations["gantry.dev/revision"],
    image: container.image,
    env: container.env,
    configMap,
    data,
    replicas: d.spec.replicas,
    selector: s.spec.selector,
    ports: s.spec.ports,
  };
}

const STRATEGIES: [string, Record<string, unknown>, string][] = [
  ["rolling", { strategy: { type: "rolling" } }, "hello-api"],
  ["canary", { strategy: { type: "canary", steps: [{ setWeight: 50 }, { setWeight: 100 }] } }, "hello-api"],
];

describe("rollback --to a recorded release (real control plane)", () => {
  for (const [name, raw, deploymentName] of STRATEGIES) {
    it(`${name}: deploy A, deploy B, roll back to A's revision and to A's digest: A's objects, ConfigMap included`, async () => {
      const ns = await restrictedNamespace(cluster, `rollback-${name}`);
      const a = plan(ns, { ...raw, config: { GREETING: "hello from A" }, env: { MODE: "a" } }, A);
      const b = plan(ns, { ...raw, config: { GREETING: "hello from B" }, env: { MODE: "b" } }, B);
      expect((await deploy(a)).verdict).toBe("promoted");
      const ofA = await snapshot(ns, deploymentName);
      expect(ofA.revision).toBe(a.revision);
      expect(ofA.data).toEqual({ GREETING: "hello from A" });
      expect((await deploy(b)).verdict).toBe("promoted");
      const ofB = await snapshot(ns, deploymentName);
      expect(ofB.revision).toBe(b.revision);
      expect(ofB.configMap).not.toBe(ofA.configMap);
      expect((await releaseRecords(b, ports())).map((r) => r.revision)).toEqual([b.revision, a.revision]);

      // The ConfigMap of A is gone (deleted by hand): the rollback brings it back from the record.
      expect((await cluster.kubectl(["delete", `configmap/${configMapName(a.workload)}`], { namespace: ns })).status).toBe(0);
      const back = await rollback(b, ports(), a.revision);
      expect(back.verdict, back.reason).toBe("promoted");
      expect(back.revision).toBe(a.revision);
      expect(back.image).toBe(A);
      expect(back.measurements).toEqual([]);
      expect(await snapshot(ns, deploymentName)).toEqual(ofA);
      const after = await status(b, ports());
      expect(after.state).toMatchObject({ revision: a.revision, image: A, phase: "completed", stableRevision: b.revision });

      // Forward again to B, then back to A by its digest alone.
      expect((await deploy(b)).verdict).toBe("promoted");
      expect((await snapshot(ns, deploymentName)).revision).toBe(b.revision);
      const byDigest = await rollback(b, ports(), `sha256:${"a".repeat(64)}`);
      expect(byDigest.verdict, byDigest.reason).toBe("promoted");
      expect(await snapshot(ns, deploymentName)).toEqual(ofA);
      // Rolling back to what runs changes nothing and says so.
      expect((await rollback(b, ports(), A)).verdict).toBe("unchanged");
      // A deploy of A after the rollback finds it running.
      expect((await runRollout(a, ports())).verdict).toBe("unchanged");
    });
  }

  it("canary with gitops: the rollback is re-applied on the cluster and committed, so the GitOps tool keeps it", async () => {
    const server = await startGitServer("token");
    try {
      const ns = await restrictedNamespace(cluster, "rollback-gitops");
      await server.repository("deploy", "main", { "README.md": "deploy repository\n" });
      const raw = {
        strategy: { type: "canary", steps: [{ setWeight: 50 }, { setWeight: 100 }] },
        gitops: { repository: server.url("deploy"), path: "staging", credentials: "env:GITOPS_TOKEN" },
      };
      const a = plan(ns, { ...raw, config: { GREETING: "A" } }, A);
      const b = plan(ns, { ...raw, config: { GREETING: "B" } }, B);
      const git = hostGit(a.workload.env.gitops!, PROVENANCE, "token");
      for (const p of [a, b]) expect((await recordIfSucceeded(p, ports(), await gitopsDeploy(p, ports(), git, PROVENANCE))).verdict).toBe("promoted");
      expect(await server.git("deploy", "rev-list", "--count", "main")).toBe("3");
      const back = await gitopsRollback(b, ports(), git, PROVENANCE, a.revision);
      expect(back.verdict, back.reason).toBe("promoted");
      expect(back.gitops).toMatchObject({ changed: true });
      expect(await server.git("deploy", "rev-list", "--count", "main")).toBe("4");
      // What is committed now is what A's deploy committed: the GitOps tool syncs A again.
      expect(await server.git("deploy", "show", "main:staging/hello-api.yaml")).toBe(await server.git("deploy", "show", "main~2:staging/hello-api.yaml"));
      expect((await snapshot(ns, "hello-api")).revision).toBe(a.revision);
    } finally {
      await server.stop();
    }
  });

  it("refuses an unknown revision naming what is recorded, and keeps at most KEEP_RELEASES records", async () => {
    const ns = await restrictedNamespace(cluster, "rollback-bounded");
    const plans = Array.from({ length: KEEP_RELEASES + 2 }, (_, i) => plan(ns, { replicas: 1, config: { N: String(i) } }, A));
    for (const p of plans) expect((await deploy(p)).verdict).toBe("promoted");
    const records = await releaseRecords(plans[0]!, ports());
    expect(records).toHaveLength(KEEP_RELEASES);
    expect(records[0]!.revision).toBe(plans.at(-1)!.revision);
    expect(records.map((r) => r.revision)).not.toContain(plans[0]!.revision);
    await expect(rollback(plans[0]!, ports(), plans[0]!.revision)).rejects.toThrow(
      /no recorded release of hello-api in rollback-bounded-\d+-\d+ has that revision or image digest; the last 10 recorded: /,
    );
  });
});
