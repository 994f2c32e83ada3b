// Runs the real Trivy (the pinned version, built by `npm run setup`) against an offline fixture DB,
// with exactly the argv trivy-plan.ts produces, and feeds its JSON through the parser, the gate and
// every converter. Fails, never skips, when Trivy is missing.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluateGate } from "../../core/scan/gate.js";
import { renderScanOutputs } from "../../core/scan/outputs.js";
import { planTrivyScan, type TrivyScanOptions } from "../../core/scan/trivy-plan.js";
import { findingsOf, parseTrivyReport } from "../../core/scan/trivy-report.js";
import { findTrivy, FIXTURE_ROOTFS, runScanLoop, writeFixtureDb, writeFixtureImageTarball } from "../fixtures/trivy-db/host.js";
import { gitlabValidator, sarifValidator } from "../unit/scan/schemas.js";

const NOW = new Date("2026-06-15T12:00:00Z");
let tmp: string;
let cacheDir: string;
/** Trivy's path once the fixture DB is written; rejects (failing every test) when Trivy is missing. */
let ready: Promise<string>;

function options(name: string, extra: Partial<TrivyScanOptions> = {}): TrivyScanOptions {
  const workdir = join(tmp, name, "work");
  mkdirSync(workdir, { recursive: true });
  return {
    target: { kind: "rootfs", dir: FIXTURE_ROOTFS },
    outputPath: join(tmp, name, "trivy.json"),
    cacheDir,
    workdir,
    // The fixture DB is offline: no download, no registry look-ups.
    skipDbUpdate: true,
    skipJavaDbUpdate: true,
    offlineScan: true,
    cacheBuster: NOW.toISOString(),
    ...extra,
  };
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "gantry-trivy-"));
  cacheDir = join(tmp, "cache");
  ready = findTrivy().then(async (trivy) => {
    await writeFixtureDb(cacheDir);
    return trivy;
  });
  await ready.catch(() => undefined); // the error fails each test below instead of skipping them
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe("real Trivy against the fixture DB", () => {
  it("reports the fixture's vulnerabilities with the findings exit code; gate and every converter agree", async () => {
    const trivy = await ready;
    const plan = planTrivyScan(options("findings"));
    const { step, outcomes } = await runScanLoop(trivy, plan);
    expect(outcomes.map((o) => o.kind)).toEqual(["findings"]);
    expect(step).toEqual({ kind: "read-report", outputPath: plan.attempts[0]!.outputPath });

    const raw = readFileSync(plan.attempts[0]!.outputPath, "utf8");
    const report = parseTrivyReport(raw, "trivy.json");
    expect(report.trivyVersion).toBe("0.74.0");
    expect(report.os).toEqual({ family: "alpine", name: "3.22.1", eosl: expect.any(Boolean) });
    const findings = findingsOf(report);
    expect(findings.map((f) => [f.id, f.pkgName, f.severity, f.fixedVersion, f.status]).sort()).toEqual([
      ["CVE-2099-0001", "fixturelib", "CRITICAL", "1.2.4-r0", "fixed"],
      ["CVE-2099-0002", "fixturelib", "LOW", undefined, "affected"],
      ["CVE-2099-0003", "otherlib", "HIGH", undefined, "affected"],
      ["CVE-2099-0004", "otherlib", "MEDIUM", "2.0.1-r0", "fixed"],
    ]);

    const verdict = evaluateGate(report, { now: NOW });
    expect(verdict.failing.map((f) => f.finding.id)).toEqual(["CVE-2099-0001", "CVE-2099-0003"]);
    const unfixedIgnored = evaluateGate(report, { ignoreUnfixed: true, now: NOW });
    expect([unfixedIgnored.failing.map((f) => f.finding.id), unfixedIgnored.allowed.map((a) => a.finding.id)]).toEqual([["CVE-2099-0001"], ["CVE-2099-0003"]]);

    const outputs = renderScanOutputs({
      rawJson: raw,
      report,
      verdict,
      imageName: "registry.example.com/acme/fixture:1.0",
      startTime: NOW,
      endTime: new Date(NOW.getTime() + 1000),
      analyzerVersion: "0.1.0",
    });
    expect(outputs.json).toBe(raw);
    expect(sarifValidator()(JSON.parse(outputs.sarif!.json))).toEqual([]);
    expect(outputs.sarif!.results).toBe(4);
    expect(gitlabValidator()(JSON.parse(outputs.gitlab!))).toEqual([]);
    expect(outputs.junit.match(/<failure /g)).toHaveLength(3); // two findings and the gate
    expect(outputs.markdown).toContain("| CRITICAL | 1 | 1 | 0 |");
    expect(outputs.summary).toContain("Gate: failed: 2 finding(s)");
  });

  it("scans an image tarball (image --input) and locates OS findings at the image's repository path", async () => {
    const trivy = await ready;
    const tag = "registry.example.com/acme/fixture:1.0";
    const tarball = await writeFixtureImageTarball(join(tmp, "tarball"), tag);
    const plan = planTrivyScan(options("image", { target: { kind: "image-archive", path: tarball } }));
    const { step, outcomes } = await runScanLoop(trivy, plan);
    expect([outcomes.map((o) => o.kind), step.kind]).toEqual([["findings"], "read-report"]);
    const report = parseTrivyReport(readFileSync(plan.attempts[0]!.outputPath, "utf8"), "trivy.json");
    expect([report.artifactType, report.repoTags]).toEqual(["container_image", [tag]]);
    expect(
      findingsOf(report)
        .map((f) => f.id)
        .sort(),
    ).toEqual(["CVE-2099-0001", "CVE-2099-0002", "CVE-2099-0003", "CVE-2099-0004"]);
    const outputs = renderScanOutputs({
      report,
      verdict: evaluateGate(report, { now: NOW }),
      imageName: tag,
      startTime: NOW,
      endTime: NOW,
      analyzerVersion: "0.1.0",
    });
    const sarif = outputs.sarif!.log;
    expect(new Set(sarif.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri))).toEqual(new Set(["acme/fixture"]));
    expect(sarifValidator()(JSON.parse(outputs.sarif!.json))).toEqual([]);
    expect(gitlabValidator()(JSON.parse(outputs.gitlab!))).toEqual([]);
  });

  it("exits 0 when the scanned system has no vulnerable package", async () => {
    const trivy = await ready;
    const rootfs = join(tmp, "clean-rootfs");
    cpSync(FIXTURE_ROOTFS, rootfs, { recursive: true });
    writeFileSync(join(rootfs, "lib/apk/db/installed"), "P:safelib\nV:1.0.0-r0\nA:x86_64\n\n");
    const plan = planTrivyScan(options("clean", { target: { kind: "rootfs", dir: rootfs } }));
    const { step, outcomes } = await runScanLoop(trivy, plan);
    expect([outcomes.map((o) => o.kind), step.kind]).toEqual([["ok"], "read-report"]);
    const report = parseTrivyReport(readFileSync(plan.attempts[0]!.outputPath, "utf8"), "trivy.json");
    expect([findingsOf(report).length, evaluateGate(report, { threshold: "UNKNOWN", now: NOW }).status]).toEqual([0, "passed"]);
  });

  it("an empty cache with --skip-db-update is an error (exit 1), not a clean scan, even when failing open", async () => {
    const trivy = await ready;
    const plan = planTrivyScan(options("no-db", { cacheDir: join(tmp, "empty-cache"), failOpen: true }));
    const { step, outcomes, runs } = await runScanLoop(trivy, plan);
    expect(runs.map((r) => r.code)).toEqual([1]);
    expect(outcomes[0]).toMatchObject({ kind: "error", cause: "db-missing" });
    expect(step.kind).toBe("fail");
    expect(step.kind === "fail" && step.message).toContain("--skip-db-update cannot be specified on the first run");
  });
});
