import { describe, expect, it } from "vitest";

import { DEFAULT_STAGES, stageGraph } from "../../../core/pipeline/graph.js";
import { loadPipeline } from "../../../core/pipeline/load.js";
import { runStages, type StageResult } from "../../../core/pipeline/runner.js";
import { DIGEST, RESULTS, replay } from "./recorded.js";

const defaults = stageGraph(DEFAULT_STAGES);

const CANARY = `
environments:
  staging: {namespace: staging}
  production: {namespace: production}
stages:
  - name: test
  - name: build
  - name: image
    needs: [build]
  - name: scan
    needs: [image]
  - name: publish
    needs: [scan]
    when: {defaultBranch: true, tags: ['v*']}
  - name: deploy-staging
    environment: staging
    needs: [publish]
  - name: deploy-production
    environment: production
    needs: [deploy-staging]
    approval: manual
    when: {tags: ['v*']}
  - name: pr-check
    kind: test
    when: {pullRequests: true}
`;
const canary = stageGraph(loadPipeline(CANARY, "canary.yaml").stages);

const status = (report: Awaited<ReturnType<typeof runStages>>) =>
  Object.fromEntries(report.stages.map((s) => [s.name, s.reason ? `${s.status}: ${s.reason}` : s.status]));

describe("the stage runner", () => {
  it("runs the default chain in order on the default branch and passes", async () => {
    const { execute, events } = replay();
    const report = await runStages(defaults, execute, { ref: "refs/heads/main" });
    expect(report.status).toBe("passed");
    expect(report.stages.map((s) => s.status)).toEqual(["passed", "passed", "passed", "passed", "passed"]);
    const at = (e: string) => events.indexOf(e);
    expect(at("end build")).toBeLessThan(at("start image"));
    expect(at("end image")).toBeLessThan(at("start scan"));
    expect(at("end scan")).toBeLessThan(at("start publish"));
    expect(at("end test")).toBeLessThan(at("start publish"));
  });

  it("starts two independent stages before either finishes", async () => {
    const started: string[] = [];
    const release: Record<string, (r: StageResult) => void> = {};
    let run!: ReturnType<typeof runStages>;
    const both = new Promise<void>((resolve) => {
      const execute = (stage: { name: string }) =>
        new Promise<StageResult>((done) => {
          started.push(stage.name);
          release[stage.name] = done;
          if (started.includes("test") && started.includes("build")) resolve();
          if (!["test", "build"].includes(stage.name)) done(RESULTS[stage.name]!);
        });
      run = runStages(defaults, execute, { ref: "refs/heads/main" });
    });
    await both;
    // Neither has finished: both are waiting for their release.
    expect(started).toEqual(["test", "build"]);
    release.build!(RESULTS.build!);
    release.test!(RESULTS.test!);
    expect((await run).status).toBe("passed");
  });

  it("stops the dependants of a failed stage, naming it, and lets independent stages finish", async () => {
    const { execute } = replay({ test: { status: "passed", output: { kind: "test", passed: 40, failed: 2, skipped: 0 } } });
    const report = await runStages(canary, execute, { ref: "refs/tags/v1.2.3", approve: ["production"] });
    expect(status(report)).toMatchObject({
      test: "failed: 2 tests failed",
      build: "passed",
      image: "passed",
      scan: "passed",
      publish: "skipped: test failed",
      "deploy-staging": "skipped: test failed (via publish)",
      "deploy-production": "skipped: test failed (via deploy-staging)",
    });
    expect(report.status).toBe("failed");
  });

  it("lets the scan verdict gate publish: a failed gate fails scan even when the executor passed it", async () => {
    const { execute, calls } = replay({ scan: { status: "passed", output: { kind: "scan", verdict: "failed", counts: { CRITICAL: 1 }, failing: 1 } } });
    const report = await runStages(defaults, execute, { ref: "refs/heads/main" });
    expect(status(report)).toMatchObject({ scan: "failed: the scan gate failed (1 failing finding)", publish: "skipped: scan failed" });
    expect(calls.map((c) => c.stage)).not.toContain("publish");
  });

  it("reports an executor error as the stage's failure", async () => {
    const { execute } = replay({ image: new Error("base image not found") });
    const report = await runStages(defaults, execute, { ref: "main" });
    expect(status(report)).toMatchObject({ image: "failed: base image not found", scan: "skipped: image failed", publish: "skipped: image failed (via scan)" });
  });

  it("hands outputs along: deploy gets the digest publish pushed, and sees every upstream output", async () => {
    const { execute, calls } = replay();
    await runStages(canary, execute, { ref: "refs/tags/v1.2.3", approve: ["deploy-production"] });
    const staging = calls.find((c) => c.stage === "deploy-staging")!.inputs;
    const production = calls.find((c) => c.stage === "deploy-production")!.inputs;
    expect(staging.image?.digest).toBe(DIGEST);
    expect(production.image).toEqual(staging.image);
    expect(Object.keys(production.upstream).sort()).toEqual(["build", "deploy-staging", "image", "publish", "scan", "test"]);
    expect(production.ref).toBe("refs/tags/v1.2.3");
    expect(calls.find((c) => c.stage === "test")!.inputs.image).toBeUndefined();
  });

  it("runs conditional stages only for their refs", async () => {
    const feature = await runStages(canary, replay().execute, { ref: "refs/heads/feature/x" });
    expect(status(feature)).toMatchObject({
      test: "passed",
      publish: "skipped: not for branch feature/x; runs for the default branch; tags v*",
      "deploy-staging": "skipped: publish does not run for this ref",
      "pr-check": "skipped: not for branch feature/x; runs for pull requests",
    });
    expect(feature.status).toBe("passed");

    const main = await runStages(canary, replay().execute, { ref: "refs/heads/trunk", defaultBranch: "trunk" });
    expect(status(main)).toMatchObject({
      publish: "passed",
      "deploy-staging": "passed",
      "deploy-production": "skipped: not for branch trunk; runs for tags v*",
    });

    const pr = await runStages(canary, replay().execute, { ref: "refs/pull/12/merge" });
    expect(status(pr)).toMatchObject({ "pr-check": "passed", publish: "skipped: not for pull request 12; runs for the default branch; tags v*" });

    const none = await runStages(defaults, replay().execute, {});
    expect(status(none)).toMatchObject({ test: "passed", publish: "skipped: not for no ref (pass --ref); runs for the default branch; tags **" });
  });

  it("runs the selected stages on any ref when told to ignore conditions (the embedded demo's publish), approvals still holding", async () => {
    const feature = await runStages(canary, replay().execute, { ref: "refs/heads/feature/x", selection: { stage: "publish" }, ignoreConditions: true });
    // pr-check too: every test stage gates a publish, and none is skipped for its ref here.
    expect(status(feature)).toEqual({ test: "passed", build: "passed", image: "passed", scan: "passed", publish: "passed", "pr-check": "passed" });
    const held = await runStages(canary, replay().execute, { ref: "refs/heads/feature/x", selection: { environment: "production" }, ignoreConditions: true });
    expect(status(held)["deploy-production"]).toBe("needs-approval: needs approval: run again with --approve production");
  });

  it("stops before a manual stage unless it is approved, by stage or environment name", async () => {
    const waiting = await runStages(canary, replay().execute, { ref: "refs/tags/v2.0.0" });
    expect(status(waiting)).toMatchObject({
      "deploy-staging": "passed",
      "deploy-production": "needs-approval: needs approval: run again with --approve production",
    });
    expect(waiting.status).toBe("needs-approval");

    for (const approve of ["production", "deploy-production"]) {
      const approved = await runStages(canary, replay().execute, { ref: "refs/tags/v2.0.0", approve: [approve] });
      expect(approved.stages.find((s) => s.name === "deploy-production")!.status).toBe("passed");
      expect(approved.status).toBe("passed");
    }
    await expect(runStages(canary, replay().execute, { approve: ["prod"] })).rejects.toThrow(
      /--approve: "prod" names no stage or environment that waits for approval \(these do: deploy-production, production\)/,
    );
  });

  it("runs only the selection: up to a stage, or the chain to one environment", async () => {
    const { execute, calls } = replay();
    const upToScan = await runStages(canary, execute, { selection: { stage: "scan" } });
    expect(upToScan.stages.map((s) => s.name)).toEqual(["build", "image", "scan"]);
    expect(calls.map((c) => c.stage)).toEqual(["build", "image", "scan"]);

    const staging = await runStages(canary, replay().execute, { ref: "main", selection: { environment: "staging" } });
    // pr-check is a test stage, so publish and deploy wait for it where it runs (pull requests): it is in the chain.
    expect(staging.stages.map((s) => s.name)).toEqual(["test", "build", "image", "scan", "pr-check", "publish", "deploy-staging"]);
    expect(staging.status).toBe("passed");
  });

  it("times each stage with the clock it is given and keeps cache hits", async () => {
    let clock = 1000;
    const now = () => (clock += 250);
    const report = await runStages(stageGraph([{ name: "build", needs: [] }]), replay().execute, { now });
    expect(report.stages[0]).toMatchObject({ startedAt: 250, durationMs: 250, cacheHit: true });
    expect(report.durationMs).toBe(750);
  });
});
