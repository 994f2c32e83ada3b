// `deploy` end to end on this machine, through the same stage runner the Dagger module uses: the
// example service tested by the real go, built, assembled into Gantry's OCI layout by GNU tar and
// gzip, scanned by the real Trivy (offline fixture DB: it finds the Go binary and no advisory for
// it), pushed by the real crane to a real docker-registry, and rolled out by the real rollout loop
// to a real control plane (kwok makes the pods Ready without pulling the image). No stage is
// simulated: no step here needs an engine.
import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { stageGraph } from "../../core/pipeline/graph.js";
import { loadPipeline } from "../../core/pipeline/load.js";
import { releaseFor } from "../../core/pipeline/release.js";
import { runSummaryMarkdown } from "../../core/pipeline/run-summary.js";
import { runStages, type RunReport, type StageExecutor } from "../../core/pipeline/runner.js";
import { findTrivy, writeFixtureDb } from "../fixtures/trivy-db/host.js";
import { startCluster, type Cluster } from "../support/cluster.js";
import { hostExecutor } from "../support/host-executor.js";
import { find, getJson, restrictedNamespace } from "../support/kube-host.js";
import { CRANE, removeTempDirs, tempDir } from "../support/oci.js";
import { startRegistry, type Registry } from "../support/registry.js";
import { runArgv } from "../support/run.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const REF = "refs/heads/main";
const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const STAGES = ["test", "build", "image", "scan", "publish", "deploy-staging"];

/** The example's pipeline (pipelines/gantry.yaml) with its stages spelt out, a scratch base (no base to pull here) and a short canary. */
function pipelineFile(
  registry: string,
  namespace: string,
  canary: { podLabels?: Record<string, string>; progressDeadline?: string; policy?: object } = {},
): string {
  return `name: hello-api
source: examples/hello-api
go:
  platforms: [linux/amd64, linux/arm64]
test:
  cover: true
image:
  base: scratch
  port: 8080
scan:
  severities: [HIGH, CRITICAL]
publish:
  repository: ${registry}/acme/hello-api
environments:
  staging:
    namespace: ${namespace}
    replicas: 4
    progressDeadline: ${canary.progressDeadline ?? "2m"}
    podLabels: ${JSON.stringify(canary.podLabels ?? {})}${canary.policy ? `\n    policy: ${JSON.stringify(canary.policy)}` : ""}
    strategy:
      type: canary
      trafficRouter: replicas
      steps: [{setWeight: 25}, {pause: {duration: 1s}}, {setWeight: 50}, {setWeight: 100}]
stages:
  - name: test
  - name: build
  - name: image
    needs: [build]
  - name: scan
    needs: [image]
  - name: publish
    needs: [test, scan]
    when: {defaultBranch: true}
  - name: deploy-staging
    environment: staging
    needs: [publish]
`;
}

let cluster: Cluster;
let trivy: { binary: string; cacheDir: string };
/** The registry the passing runs push to, and one the failing run must leave empty. */
let registry: Registry;
let untouched: Registry;

beforeAll(async () => {
  const cacheDir = tempDir("gantry-trivy-cache-");
  // Each is kept as soon as it runs, so that afterAll stops it even when another failed to start.
  await Promise.all([
    startCluster().then((c) => (cluster = c)),
    startRegistry().then((r) => (registry = r)),
    startRegistry().then((r) => (untouched = r)),
    findTrivy().then(async (binary) => {
      await writeFixtureDb(cacheDir);
      trivy = { binary, cacheDir };
    }),
  ]);
});
afterAll(async () => {
  await Promise.all([cluster?.stop(), registry?.stop(), untouched?.stop()]);
  removeTempDirs();
});

interface Run {
  report: RunReport;
  /** start:<stage> and end:<stage>, in the order they happened. */
  events: string[];
}

/** Loads the pipeline file and runs the chain to staging with the host executor over `root`. */
async function deployStaging(root: string, text: string): Promise<Run> {
  const pipeline = loadPipeline(text, "pipelines/gantry.yaml");
  const release = releaseFor({ ref: REF, commit: COMMIT, sourceDateEpoch: 1_700_000_000 }, undefined);
  const execute = hostExecutor({ pipeline, root, release, trivy, cluster, pollMs: 300 });
  const events: string[] = [];
  const recorded: StageExecutor = async (stage, inputs) => {
    events.push(`start:${stage.name}`);
    try {
      return await execute(stage, inputs);
    } finally {
      events.push(`end:${stage.name}`);
    }
  };
  const report = await runStages(stageGraph(pipeline.stages), recorded, { ref: REF, selection: { environment: "staging" }, approve: [] });
  return { report, events };
}

const noLogin = tempDir("gantry-docker-empty-");
const crane = (...args: string[]) => runArgv([CRANE, ...args], { cwd: REPO, env: { DOCKER_CONFIG: noLogin } });
const status = (report: RunReport) => Object.fromEntries(report.stages.map((s) => [s.name, s.status]));
const explain = (report: RunReport) => report.stages.map((s) => `${s.name}: ${s.status} ${s.reason ?? ""}`).join("\n");

describe("deploy to staging end to end on the host (real go, tar, Trivy, crane, registry, control plane)", () => {
  it("tests, builds, scans, pushes and rolls out the pushed digest through a canary", async () => {
    const namespace = await restrictedNamespace(cluster, "e2e");
    const { report, events } = await deployStaging(REPO, pipelineFile(registry.host, namespace));
    expect(report.status, explain(report)).toBe("passed");
    expect(report.stages.map((s) => s.name)).toEqual(STAGES);
    expect(status(report)).toEqual(Object.fromEntries(STAGES.map((s) => [s, "passed"])));
    // Nothing is pushed before the tests and the scan passed; nothing rolled out before the push.
    for (const gate of ["end:test", "end:scan"]) expect(events.indexOf(gate)).toBeLessThan(events.indexOf("start:publish"));
    expect(events.indexOf("end:publish")).toBeLessThan(events.indexOf("start:deploy-staging"));

    const output = (name: string) => report.stages.find((s) => s.name === name)!.output;
    const tests = output("test");
    expect(tests).toMatchObject({ kind: "test", failed: 0 });
    if (tests?.kind !== "test") throw new Error("no test output");
    expect(tests.passed).toBeGreaterThan(5);
    expect(tests.coverage).toBeGreaterThan(30);
    expect(output("build")).toEqual({ kind: "build", binaries: ["hello-api_linux_amd64", "hello-api_linux_arm64"] });
    expect(output("scan")).toMatchObject({ kind: "scan", verdict: "passed", failing: 0 });

    const published = output("publish");
    if (published?.kind !== "publish") throw new Error("no publish output");
    const repository = `${registry.host}/acme/hello-api`;
    const { digest } = published.image;
    expect(published.image.repository).toBe(repository);
    expect(published.image.refs).toEqual([`${repository}:main@${digest}`, `${repository}:sha-0123456@${digest}`]);
    // The registry holds that digest under the branch's tag, and it is the image index of both platforms.
    expect((await crane("digest", `${repository}:main`)).stdout.trim()).toBe(digest);
    const index = JSON.parse((await crane("manifest", `${repository}@${digest}`)).stdout);
    expect(index.manifests.map((m: { platform: { architecture: string } }) => m.platform.architecture)).toEqual(["amd64", "arm64"]);

    // The cluster runs exactly what publish pushed, on the stable only once the canary is promoted.
    expect(output("deploy-staging")).toMatchObject({ kind: "deploy", environment: "staging", image: `${repository}@${digest}`, rolledBack: false });
    const deployment = await getJson(cluster, namespace, ["deployment", "hello-api"]);
    expect(deployment.spec.template.spec.containers.map((c: { image: string }) => c.image)).toEqual([`${repository}@${digest}`]);
    expect(deployment.status.readyReplicas).toBe(4);
    expect(await find(cluster, namespace, "deployment/hello-api-canary")).toBeUndefined();

    const summary = runSummaryMarkdown(report);
    for (const stage of STAGES) expect(summary).toContain(`| ${stage === "deploy-staging" ? "deploy-staging (staging)" : stage} | ✅ passed |`);
    expect(summary).toContain(`${tests.passed} passed, 0 failed, ${tests.skipped} skipped, coverage ${tests.coverage!.toFixed(1)}%`);
    expect(summary).toContain("### Scan (scan): passed");
    expect(summary).toContain(`- \`${repository}:main@${digest}\``);
    expect(summary).toContain(`Image \`${repository}@${digest}\``);
  });

  it("a canary that never becomes ready is rolled back and fails the deploy stage with the rollout's reason", async () => {
    const namespace = await restrictedNamespace(cluster, "e2e-never-ready");
    const first = await deployStaging(REPO, pipelineFile(registry.host, namespace));
    expect(first.report.status, explain(first.report)).toBe("passed");
    const stable = (await getJson(cluster, namespace, ["deployment", "hello-api"])).spec.template.metadata.annotations["gantry.dev/revision"];

    const { report } = await deployStaging(
      REPO,
      pipelineFile(registry.host, namespace, { podLabels: { "gantry.dev/simulate": "never-ready" }, progressDeadline: "10s" }),
    );
    expect(report.status).toBe("failed");
    expect(status(report)).toMatchObject({ test: "passed", scan: "passed", publish: "passed", "deploy-staging": "failed" });
    const deploy = report.stages.find((s) => s.name === "deploy-staging")!;
    expect(deploy.reason).toMatch(/^rollout aborted: .*canary not ready: 0\/1 pod\(s\) ready/);
    expect(deploy.output).toMatchObject({ kind: "deploy", rolledBack: true });
    // Back on the stable revision at full size, no canary left.
    const deployment = await getJson(cluster, namespace, ["deployment", "hello-api"]);
    expect(deployment.spec.template.metadata.annotations["gantry.dev/revision"]).toBe(stable);
    expect(deployment.status.readyReplicas).toBe(4);
    expect(await find(cluster, namespace, "deployment/hello-api-canary")).toBeUndefined();
    expect(runSummaryMarkdown(report)).toContain("### Rollout to staging (deploy-staging): rolled back");
  }, 300_000); // two whole runs, the second waiting out the canary's deadline
});

describe("an environment with policies on the host", () => {
  it("refuses the unsigned image the run pushed before anything is applied: deploy fails naming the rule, the namespace stays empty", async () => {
    const namespace = await restrictedNamespace(cluster, "e2e-policy");
    const policy = {
      identity: {
        issuer: "https://token.actions.githubusercontent.com",
        subject: "https://github.com/acme/hello-api/.github/workflows/gantry-publish.yml@refs/heads/main",
      },
    };
    const { report } = await deployStaging(REPO, pipelineFile(registry.host, namespace, { policy }));
    expect(report.status).toBe("failed");
    expect(status(report)).toMatchObject({ test: "passed", scan: "passed", publish: "passed", "deploy-staging": "failed" });
    const deploy = report.stages.find((s) => s.name === "deploy-staging")!;
    // The run's own scan passed just now and the rendered objects pass: only the missing signature is refused.
    expect(deploy.reason).toMatch(
      /^rollout refused: the policies of staging refused the deploy \(1 violation\(s\)\); nothing was applied: policy signed_by_pipeline refused Deployment\/hello-api: image "[^"]+@sha256:[0-9a-f]{64}" has no verified signature by issuer https:\/\/token\.actions\.githubusercontent\.com/,
    );
    const objects = await getJson(cluster, namespace, ["deployments,services,configmaps,poddisruptionbudgets"]);
    expect(objects.items.map((o: any) => `${o.kind}/${o.metadata.name}`).filter((n: string) => n !== "ConfigMap/kube-root-ca.crt")).toEqual([]);
  }, 300_000);
});

describe("a failing test on the host stops the run before anything is pushed or rolled out", () => {
  it("fails the test stage, skips publish and deploy naming it, pushes nothing and deploys nothing", async () => {
    const root = tempDir("gantry-e2e-src-");
    cpSync(join(REPO, "examples/hello-api"), join(root, "examples/hello-api"), { recursive: true });
    writeFileSync(
      join(root, "examples/hello-api/internal/server/zz_fail_test.go"),
      `package server\n\nimport "testing"\n\nfunc TestGantryDeliberateFailure(t *testing.T) {\n\tt.Fatalf("want %d, got %d", 1, 2)\n}\n`,
    );
    const namespace = await restrictedNamespace(cluster, "e2e-failing");

    const { report, events } = await deployStaging(root, pipelineFile(untouched.host, namespace));
    expect(report.status).toBe("failed");
    expect(status(report)).toEqual({ test: "failed", build: "passed", image: "passed", scan: "passed", publish: "skipped", "deploy-staging": "skipped" });
    const test = report.stages.find((s) => s.name === "test")!;
    expect(test.output).toMatchObject({ kind: "test", failed: 1 });
    expect(report.stages.find((s) => s.name === "publish")!.reason).toBe("test failed");
    expect(report.stages.find((s) => s.name === "deploy-staging")!.reason).toBe("test failed (via publish)");
    expect(events).not.toContain("start:publish");
    expect(events).not.toContain("start:deploy-staging");

    // The registry holds no repository at all, and the namespace no Deployment.
    const catalog = await crane("catalog", untouched.host);
    expect(catalog.status, catalog.stderr).toBe(0);
    expect(catalog.stdout.trim()).toBe("");
    const tags = await crane("ls", `${untouched.host}/acme/hello-api`);
    expect(tags.status).not.toBe(0);
    expect(tags.stderr).toMatch(/NAME_UNKNOWN/);
    expect((await getJson(cluster, namespace, ["deployments"])).items).toEqual([]);

    const summary = runSummaryMarkdown(report);
    expect(summary).toContain("Gantry pipeline failed");
    expect(summary).toContain("| publish | ⏭️ skipped |");
    expect(summary).toContain("1 failed");
  });
});
