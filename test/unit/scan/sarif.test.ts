import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { toSarif } from "../../../core/scan/sarif.js";
import { SEVERITIES, severityRank, type Severity } from "../../../core/scan/severity.js";
import { findingsOf, parseTrivyReport } from "../../../core/scan/trivy-report.js";
import { trivyFixtures } from "./fixtures.js";
import { reportOf, type VulnSpec } from "./reports.js";
import { sarifValidator } from "./schemas.js";

const validate = sarifValidator();

describe("SARIF from real Trivy output", () => {
  for (const fixture of trivyFixtures()) {
    const report = parseTrivyReport(fixture.text, fixture.name);
    const findings = findingsOf(report);

    it(`${fixture.name}: valid SARIF 2.1.0 with a result per finding and a rule per ID`, () => {
      const { json, log, results, truncated } = toSarif(report, { imageName: "ghcr.io/acme/api:1.2.3" });
      expect(validate(JSON.parse(json))).toEqual([]);
      const run = log.runs[0]!;
      expect([results, truncated, run.results.length]).toEqual([findings.length, 0, findings.length]);
      expect(run.tool.driver.rules.map((r) => r.id).sort()).toEqual([...new Set(findings.map((f) => f.id))].sort());
      for (const result of run.results) expect(run.tool.driver.rules[result.ruleIndex]!.id).toBe(result.ruleId);
      expect(run.properties["gantry.truncatedResults"]).toBe(0);
    });

    it(`${fixture.name}: GitHub severity and level follow Trivy's severity`, () => {
      const run = toSarif(report).log.runs[0]!;
      for (const rule of run.tool.driver.rules) {
        const severities = findings.filter((f) => f.id === rule.id).map((f) => f.severity);
        const highest = severities.reduce((a, b) => (severityRank(b) > severityRank(a) ? b : a));
        const score = Number(rule.properties["security-severity"]);
        const band: Severity = score >= 9 ? "CRITICAL" : score >= 7 ? "HIGH" : score >= 4 ? "MEDIUM" : score > 0 ? "LOW" : "UNKNOWN";
        expect(band).toBe(highest);
        expect(rule.properties.tags).toContain(highest);
      }
      const levels = run.results.map((r) => r.level);
      const expected = findings
        .slice()
        .sort((a, b) => severityRank(b.severity) - severityRank(a.severity))
        .map((f) => (severityRank(f.severity) >= severityRank("HIGH") ? "error" : f.severity === "MEDIUM" ? "warning" : "note"));
      expect(levels).toEqual(expected);
    });
  }

  it("locates image OS packages at the image's repository path, stable across tags and tarball paths", () => {
    const fixture = trivyFixtures().find((f) => f.name.includes("debian-buster"))!;
    const report = parseTrivyReport(fixture.text, fixture.name);
    const uris = (imageName?: string) => toSarif(report, { imageName }).log.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri);
    expect(new Set(uris("ghcr.io/acme/api:1.2.3"))).toEqual(new Set(["acme/api"]));
    expect(uris("ghcr.io/acme/api@sha256:" + "a".repeat(64))).toEqual(uris("ghcr.io/acme/api:9.9.9"));
    // The fixture's ArtifactName is a tarball path: without an image name, a fixed placeholder.
    expect(new Set(uris())).toEqual(new Set(["container-image"]));
  });

  it("locates language packages at their path, relative and URI-encoded", () => {
    const report = reportOf(
      [
        { id: "GHSA-1", severity: "HIGH", target: "/app/my service/go.mod", class: "lang-pkgs" },
        { id: "CVE-2", severity: "LOW", target: "target (alpine 3.22.1)" },
      ],
      { ArtifactType: "filesystem", ArtifactName: "target" },
    );
    const run = toSarif(report).log.runs[0]!;
    expect(run.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri)).toEqual(["app/my%20service/go.mod", "target"]);
    expect(validate(toSarif(report).log)).toEqual([]);
  });

  it("drops an OS target's trailing (distro) without backtracking over a 256 KiB target", () => {
    const long = 256 * 1024;
    const uris = (target: string) =>
      toSarif(reportOf([{ id: "CVE-1", severity: "LOW", target }], { ArtifactType: "filesystem", ArtifactName: "t" })).log.runs[0]!.results.map(
        (r) => r.locations[0]!.physicalLocation.artifactLocation.uri,
      );
    expect(uris(`rootfs${" ".repeat(long)}x`)).toEqual([`rootfs${"%20".repeat(long)}x`]);
    expect(uris(`rootfs ${"(".repeat(long)}`)).toEqual([`rootfs%20${"(".repeat(long)}`]);
    expect(uris("rootfs (alpine 3.22.1)  ")).toEqual(["rootfs"]);
    expect(uris("rootfs (a) (b (c)")).toEqual(["rootfs%20(a)"]);
  });

  it("gives one ID seen at different severities the highest on its rule", () => {
    const report = reportOf([
      { id: "CVE-9", severity: "LOW", target: "a (debian 12)" },
      { id: "CVE-9", severity: "CRITICAL", target: "b (debian 12)" },
    ]);
    const rule = toSarif(report).log.runs[0]!.tool.driver.rules[0]!;
    expect([rule.properties["security-severity"], rule.defaultConfiguration.level]).toEqual(["9.5", "error"]);
  });

  it("is checked by a schema that does reject broken SARIF", () => {
    const log = structuredClone(toSarif(reportOf([{ id: "CVE-1", severity: "HIGH" }])).log) as unknown as {
      runs: { results: { level: string }[] }[];
    };
    log.runs[0]!.results[0]!.level = "fatal";
    expect(validate(log).join("\n")).toContain("level");
  });

  it("sets GitHub's analysis category", () => {
    expect(toSarif(reportOf([]), { category: "trivy/api" }).log.runs[0]!.automationDetails).toEqual({ id: "trivy/api/" });
  });
});

describe("SARIF truncation to GitHub's limits", () => {
  const specs: VulnSpec[] = SEVERITIES.flatMap((severity) =>
    Array.from({ length: 4 }, (_, i) => ({ id: `CVE-2099-${severity}-${i}`, severity, pkg: `pkg${i}` })),
  );
  const report = reportOf(specs);

  it("drops the lowest severities first when there are too many results, and says how many", () => {
    const out = toSarif(report, { limits: { maxResultsPerRun: 9 } });
    const run = out.log.runs[0]!;
    expect([out.results, out.truncated]).toEqual([9, specs.length - 9]);
    const kept = run.results.map((r) => r.ruleId.split("-")[2] as Severity);
    expect(kept).toEqual(["CRITICAL", "CRITICAL", "CRITICAL", "CRITICAL", "HIGH", "HIGH", "HIGH", "HIGH", "MEDIUM"]);
    expect(run.properties["gantry.truncatedResults"]).toBe(out.truncated);
    expect(run.properties["gantry.truncatedBySeverity"]).toEqual({ UNKNOWN: 4, LOW: 4, MEDIUM: 3 });
    expect(run.invocations[0]!.toolExecutionNotifications![0]!.message.text).toContain(`${out.truncated} of ${specs.length} results were left out`);
    expect(run.tool.driver.rules).toHaveLength(9);
    expect(validate(out.log)).toEqual([]);
  });

  it("stays under the gzipped size limit, dropping low severities first", () => {
    // Random descriptions do not compress, so the size limit bites before the count limit.
    const big = reportOf(Array.from({ length: 200 }, (_, i) => ({ id: `CVE-2099-${i}`, severity: SEVERITIES[i % 5]!, pkg: `p${i}` })).map((v) => ({ ...v })));
    for (const r of big.results) for (const v of r.vulnerabilities) v.description = randomBytes(300).toString("base64");
    const maxGzipBytes = 40_000;
    const out = toSarif(big, { limits: { maxGzipBytes } });
    expect(gzipSync(out.json).length).toBeLessThanOrEqual(maxGzipBytes);
    expect(out.truncated).toBeGreaterThan(0);
    expect(out.results + out.truncated).toBe(200);
    const keptIds = new Set(out.log.runs[0]!.results.map((r) => r.ruleId));
    const rank = (id: string) => severityRank(findingsOf(big).find((f) => f.id === id)!.severity);
    const lowestKept = Math.min(...[...keptIds].map(rank));
    const dropped = findingsOf(big).filter((f) => !keptIds.has(f.id));
    expect(Math.max(...dropped.map((f) => severityRank(f.severity)))).toBeLessThanOrEqual(lowestKept);
    expect(validate(out.log)).toEqual([]);
  });
});
