// The default policies (policies/gantry) run by the real OPA, as uid 1000 (its image's user), with
// the core's exact argv: `opa check` and `opa test` pass, the example service as Gantry renders it
// for pipelines/gantry.yaml passes, and each violation is refused by its rule's name and object.
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { PolicyConfig, SignerIdentity } from "../../core/kube/config/types.js";
import type { KubeObject } from "../../core/kube/manifests/objects.js";
import { planRollout } from "../../core/kube/rollout/plan.js";
import { renderEnvironment } from "../../core/kube/rollout/base-objects.js";
import { workload } from "../../core/kube/manifests/objects.js";
import type { ScanSummary, VerifiedAttestations } from "../../core/policy/attestations.js";
import type { PolicyDecision } from "../../core/policy/decision.js";
import { policyInput } from "../../core/policy/input.js";
import { planOpaCheck, planOpaTest } from "../../core/policy/opa.js";
import { environmentOf } from "../../core/pipeline/deploy-request.js";
import { loadPipeline } from "../../core/pipeline/load.js";
import { hostOpaEvaluator, mountedPolicies, REPO_ROOT, runOpa } from "../support/opa.js";
import { removeTempDirs } from "../support/oci.js";

const IMAGE = `registry.example/hello-api@sha256:${"c".repeat(64)}`;
const PIPELINE = "pipelines/gantry.yaml";
const IDENTITY: SignerIdentity = {
  issuer: "https://token.actions.githubusercontent.com",
  subject: "https://github.com/acme/gantry/.github/workflows/gantry-publish.yml@refs/heads/main",
};
const POLICY: PolicyConfig = { defaults: true, directories: [], identity: IDENTITY, maxScanAgeDays: 7 };
const NOW = new Date("2026-12-07T12:00:00Z");
const PASSED_SCAN: ScanSummary = { verdict: "passed", scannedAt: "2026-12-06T12:00:00Z", counts: { LOW: 2 }, failing: 0 };
const SIGNED: VerifiedAttestations = { signatures: [IDENTITY] };

/** The example's staging objects, as `deploy` would apply them for the image. */
function exampleManifests(): KubeObject[] {
  const pipeline = loadPipeline(readFileSync(join(REPO_ROOT, PIPELINE), "utf8"), PIPELINE);
  return renderEnvironment(planRollout(workload(pipeline.name!, IMAGE, environmentOf(pipeline, "staging"))));
}

let evaluator: Awaited<ReturnType<typeof hostOpaEvaluator>>;
beforeAll(async () => {
  evaluator = await hostOpaEvaluator(POLICY);
});
afterAll(removeTempDirs);

interface Case {
  manifests?: (objects: KubeObject[]) => void;
  attestations?: VerifiedAttestations;
  scan?: ScanSummary | undefined;
}

function judge(c: Case = {}): Promise<PolicyDecision> {
  const manifests = exampleManifests();
  c.manifests?.(manifests);
  return evaluator.evaluate(
    policyInput({
      now: NOW,
      environment: "staging",
      image: IMAGE,
      release: { version: "1.2.3", commit: "a".repeat(40) },
      manifests,
      attestations: c.attestations ?? SIGNED,
      ...("scan" in c ? (c.scan ? { scan: c.scan } : {}) : { scan: PASSED_SCAN }),
      policy: POLICY,
    }),
  );
}

/** The pod spec and first container of the example's Deployment. */
function deployment(objects: KubeObject[]): { pod: any; container: any } {
  const d = objects.find((o) => o.kind === "Deployment") as any;
  return { pod: d.spec.template.spec, container: d.spec.template.spec.containers[0] };
}

const ruleAndObject = (d: PolicyDecision) => d.violations.map((v) => `${v.rule} ${v.object}`);

describe("the default policies under the real opa, as uid 1000", () => {
  it("pass opa check --strict and their Rego unit tests (opa test)", async () => {
    const { root, paths } = await mountedPolicies({ ...POLICY }, REPO_ROOT);
    const check = await runOpa(planOpaCheck(paths), root);
    expect(check.status, check.stderr + check.stdout).toBe(0);
    const test = await runOpa(planOpaTest(paths), root);
    expect(test.status, test.stdout + test.stderr).toBe(0);
    const results = JSON.parse(test.stdout) as { name: string; fail?: boolean; error?: unknown }[];
    expect(results.length).toBeGreaterThanOrEqual(20);
    expect(results.filter((r) => r.fail || r.error).map((r) => r.name)).toEqual([]);
  });

  it("pass the example service as Gantry renders it, signed by the pipeline and freshly scanned", async () => {
    const decision = await judge();
    expect(decision).toEqual({ allowed: true, violations: [] });
  });

  const cases: [string, Case, string[]][] = [
    [
      "a tag instead of a digest",
      { manifests: (o) => void (deployment(o).container.image = "registry.example/hello-api:1.2.3") },
      ["digest_pinned Deployment/hello-api"],
    ],
    ["runAsUser 0", { manifests: (o) => void (deployment(o).container.securityContext.runAsUser = 0) }, ["non_root Deployment/hello-api"]],
    [
      "no runAsNonRoot on the container or the pod",
      {
        manifests: (o) => {
          delete deployment(o).container.securityContext.runAsNonRoot;
          delete deployment(o).pod.securityContext.runAsNonRoot;
        },
      },
      ["non_root Deployment/hello-api"],
    ],
    ["a privileged container", { manifests: (o) => void (deployment(o).container.securityContext.privileged = true) }, ["no_privileged Deployment/hello-api"]],
    ["hostNetwork", { manifests: (o) => void (deployment(o).pod.hostNetwork = true) }, ["no_host_namespaces Deployment/hello-api"]],
    ["hostPID", { manifests: (o) => void (deployment(o).pod.hostPID = true) }, ["no_host_namespaces Deployment/hello-api"]],
    ["hostIPC", { manifests: (o) => void (deployment(o).pod.hostIPC = true) }, ["no_host_namespaces Deployment/hello-api"]],
    [
      "no resources",
      { manifests: (o) => void delete deployment(o).container.resources },
      ["resources_set Deployment/hello-api", "resources_set Deployment/hello-api", "resources_set Deployment/hello-api"],
    ],
    ["an unsigned image", { attestations: { signatures: [] } }, ["signed_by_pipeline Deployment/hello-api"]],
    [
      "a signature by another identity",
      { attestations: { signatures: [{ ...IDENTITY, subject: "https://github.com/mallory/fork/.github/workflows/ci.yml@refs/heads/main" }] } },
      ["signed_by_pipeline Deployment/hello-api"],
    ],
    ["a signature by another key", { attestations: { signatures: [{ key: "env:SOMEONE_ELSES_KEY" }] } }, ["signed_by_pipeline Deployment/hello-api"]],
    ["a failed scan", { scan: { ...PASSED_SCAN, verdict: "failed", failing: 1, counts: { CRITICAL: 1 } } }, ["scan_passed Deployment/hello-api"]],
    ["no scan at all", { scan: undefined }, ["scan_passed Deployment/hello-api"]],
    ["a scan 8 days old", { scan: { ...PASSED_SCAN, scannedAt: "2026-11-29T11:59:59Z" } }, ["scan_recent Deployment/hello-api"]],
  ];
  it.each(cases)("refuse %s, naming the rule and the object", async (_, c, expected) => {
    const decision = await judge(c);
    expect(decision.allowed).toBe(false);
    expect(ruleAndObject(decision)).toEqual(expected);
  });

  it("say what is wrong in each violation", async () => {
    const decision = await judge({ manifests: (o) => void (deployment(o).container.image = "registry.example/hello-api:1.2.3") });
    expect(decision.violations[0]!.message).toBe(
      'container "hello-api" runs "registry.example/hello-api:1.2.3", not pinned by digest (repository@sha256:<64 hex>)',
    );
  });
});
