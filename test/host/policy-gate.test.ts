// A deploy to an environment with policies stops before any object is applied: the core's
// deployRollout with the policies judged by the real opa (as uid 1000), against a real control
// plane. Refused, it makes no kubectl call and the namespace stays empty; admitted, the same
// environment rolls out, so the gate is what stopped it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { PolicyConfig, SignerIdentity } from "../../core/kube/config/types.js";
import { workload } from "../../core/kube/manifests/objects.js";
import { planRollout } from "../../core/kube/rollout/plan.js";
import { deployRollout } from "../../core/kube/runner.js";
import { policyAdmission } from "../../core/policy/admission.js";
import { NOTHING_VERIFIED, type VerifiedAttestations } from "../../core/policy/attestations.js";
import { startCluster, type Cluster } from "../support/cluster.js";
import { normaliseEnvironment } from "../support/environment.js";
import { clusterPorts, getJson, restrictedNamespace } from "../support/kube-host.js";
import { removeTempDirs } from "../support/oci.js";
import { hostOpaEvaluator } from "../support/opa.js";

const IMAGE = `ghcr.io/acme/hello-api@sha256:${"d".repeat(64)}`;
const IDENTITY: SignerIdentity = { key: "env:COSIGN_PUBLIC_KEY" };
const POLICY = { identity: IDENTITY, maxScanAgeDays: 7 };

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster();
});
afterAll(async () => {
  await cluster?.stop();
  removeTempDirs();
});

async function gatedDeploy(namespace: string, attestations: VerifiedAttestations) {
  const env = normaliseEnvironment("production", { namespace, replicas: 1, progressDeadline: "20s", policy: POLICY }, { file: "pipelines/hello.yaml" });
  const plan = planRollout(workload("hello-api", IMAGE, env), { pollMs: 300 });
  const evaluator = await hostOpaEvaluator(env.policy as PolicyConfig);
  const admission = policyAdmission(evaluator, {
    now: new Date(),
    environment: env.name,
    image: IMAGE,
    release: { version: "1.0.0" },
    attestations,
    scan: { verdict: "passed", scannedAt: new Date().toISOString(), counts: {}, failing: 0 },
    policy: env.policy!,
  });
  const kubectlCalls: string[][] = [];
  const ports = clusterPorts(cluster);
  const counted = { ...ports, kubectl: { run: (argv: string[], stdin?: string) => (kubectlCalls.push(argv), ports.kubectl.run(argv, stdin)) } };
  const report = await deployRollout(plan, counted, admission);
  return { report, kubectlCalls, evaluations: evaluator.evaluations };
}

/** Every object of the kinds a rollout creates in the namespace. */
async function objectsIn(namespace: string): Promise<string[]> {
  const list = await getJson(cluster, namespace, ["deployments,replicasets,pods,services,configmaps,poddisruptionbudgets,horizontalpodautoscalers,ingresses"]);
  return list.items.map((o: any) => `${o.kind}/${o.metadata.name}`).filter((n: string) => n !== "ConfigMap/kube-root-ca.crt");
}

describe("a deploy to an environment with policies, on a real control plane", () => {
  it("refused (unsigned image): no kubectl call, nothing created, the reason names the rule and the object", async () => {
    const ns = await restrictedNamespace(cluster, "policy-refused");
    const { report, kubectlCalls, evaluations } = await gatedDeploy(ns, NOTHING_VERIFIED);
    expect(evaluations).toBe(1);
    expect(report.verdict).toBe("refused");
    expect(report.reason).toContain("policy signed_by_pipeline refused Deployment/hello-api");
    expect(report.reason).toContain("nothing was applied");
    expect(kubectlCalls).toEqual([]);
    expect(report.actions).toEqual([]);
    expect(await objectsIn(ns)).toEqual([]);
  });

  it("admitted (signed by the expected key): the same environment rolls out", async () => {
    const ns = await restrictedNamespace(cluster, "policy-admitted");
    const { report, kubectlCalls } = await gatedDeploy(ns, { signatures: [IDENTITY] });
    expect(report.verdict, report.reason).toBe("promoted");
    expect(kubectlCalls.length).toBeGreaterThan(0);
    expect(await objectsIn(ns)).toContain("Deployment/hello-api");
  });
});
