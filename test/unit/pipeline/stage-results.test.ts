import { describe, expect, it } from "vitest";

import { parseTestJson } from "../../../core/go/test2json.js";
import type { RolloutReport } from "../../../core/kube/report.js";
import { deployResult, testResult } from "../../../core/pipeline/stage-results.js";

const events = (action: "pass" | "fail") =>
  [
    { Action: "run", Package: "example.com/api", Test: "TestA" },
    { Action: action, Package: "example.com/api", Test: "TestA", Elapsed: 0.01 },
    { Action: action, Package: "example.com/api", Elapsed: 0.02 },
  ]
    .map((e) => JSON.stringify(e))
    .join("\n");

const rollout = (verdict: RolloutReport["verdict"]): RolloutReport => ({
  service: "api",
  namespace: "ns",
  environment: "staging",
  strategy: "canary",
  image: "r/api@sha256:x",
  revision: "abc",
  verdict,
  reason: verdict === "aborted" ? "canary not ready" : "done",
  startedAt: 0,
  finishedAt: 1,
  actions: [
    { at: 0, kind: "apply", reason: "canary", weight: 5 },
    { at: 1, kind: "promote", reason: "done" },
  ],
  measurements: [],
  timings: { totalMs: 1, kubectlMs: 0, waitMs: 0, kubectlCalls: 0 },
});

describe("stage results shared by the Dagger and host executors", () => {
  it("passes a test stage only when go test exited 0 and nothing failed", () => {
    expect(testResult(parseTestJson(events("pass")), 0, 80)).toEqual({
      status: "passed",
      output: { kind: "test", ...parseTestJson(events("pass")).totals, coverage: 80 },
    });
    expect(testResult(parseTestJson(events("fail")), 1, undefined).status).toBe("failed");
    expect(testResult(parseTestJson(events("pass")), 2, undefined).status).toBe("failed");
  });

  it("passes a deploy stage when the rollout promoted or changed nothing, and marks an abort as a rollback", () => {
    expect(deployResult("staging", "r/api@sha256:x", rollout("promoted"))).toMatchObject({
      status: "passed",
      output: { steps: [{ name: "apply 5%" }, { name: "promote" }], rolledBack: false },
    });
    expect(deployResult("staging", "r/api@sha256:x", rollout("unchanged")).status).toBe("passed");
    expect(deployResult("staging", "r/api@sha256:x", rollout("aborted"))).toMatchObject({
      status: "failed",
      error: "rollout aborted: canary not ready",
      output: { rolledBack: true },
    });
    expect(deployResult("staging", "r/api@sha256:x", rollout("paused")).status).toBe("failed");
  });
});

describe("the scan stage's result", () => {
  it("follows the gate: a failed gate fails the stage, a fail-open 'not scanned' passes with nothing counted", async () => {
    const { scanResult } = await import("../../../core/pipeline/stage-results.js");
    const { notScannedVerdict } = await import("../../../core/scan/gate.js");
    const policy = { severities: ["HIGH", "CRITICAL"] as const, ignoreUnfixed: false };
    const notScanned = scanResult(notScannedVerdict("no DB mirror answered", { ...policy, severities: [...policy.severities] }));
    expect(notScanned).toMatchObject({ status: "passed", output: { kind: "scan", verdict: "not-scanned", failing: 0 } });
  });
});

describe("the scan stage's result on a judged report", () => {
  it("fails with the gate, counting the failing findings, and passes a report the gate accepts", async () => {
    const { scanResult } = await import("../../../core/pipeline/stage-results.js");
    const { evaluateGate } = await import("../../../core/scan/gate.js");
    const { reportOf } = await import("../scan/reports.js");
    const policy = { severities: ["HIGH", "CRITICAL"] as ("HIGH" | "CRITICAL")[], now: new Date("2026-06-15T12:00:00Z") };
    const bad = reportOf([
      { id: "CVE-2099-0001", severity: "CRITICAL", fixed: "1.2.4" },
      { id: "CVE-2099-0002", severity: "LOW" },
    ]);
    expect(scanResult(evaluateGate(bad, policy))).toMatchObject({
      status: "failed",
      output: { verdict: "failed", failing: 1, counts: { CRITICAL: 1, LOW: 1 } },
    });
    expect(scanResult(evaluateGate(reportOf([{ id: "CVE-2099-0002", severity: "LOW" }]), policy))).toMatchObject({
      status: "passed",
      output: { verdict: "passed", failing: 0 },
    });
  });
});
