import { describe, expect, it } from "vitest";
import { evaluateGate, notScannedVerdict } from "../../../core/scan/gate.js";
import { toJUnit } from "../../../core/scan/junit.js";
import { toMarkdown } from "../../../core/scan/markdown.js";
import { renderScanOutputs } from "../../../core/scan/outputs.js";
import { countReport, summaryText } from "../../../core/scan/summary.js";
import { findingsOf, parseTrivyReport } from "../../../core/scan/trivy-report.js";
import { NOW, rawVulnerabilities, trivyFixtures } from "./fixtures.js";
import { reportOf } from "./reports.js";

const count = (text: string, pattern: RegExp) => (text.match(pattern) ?? []).length;
const attribute = (xml: string, tag: string, name: string) => new RegExp(`<${tag}[^>]* ${name}="([^"]*)"`).exec(xml)?.[1];

describe("JUnit: one failed case per failing finding, skipped per allowed, one gate case", () => {
  for (const fixture of trivyFixtures()) {
    it(fixture.name, () => {
      const report = parseTrivyReport(fixture.text, fixture.name);
      const verdict = evaluateGate(report, { threshold: "MEDIUM", allowList: [{ id: findingsOf(report)[0]!.id }], now: NOW });
      const xml = toJUnit(report, verdict);
      const failing = verdict.failing.length + (verdict.passed ? 0 : 1);
      expect(count(xml, /<testcase /g)).toBe(verdict.failing.length + verdict.allowed.length + 1);
      expect(count(xml, /<failure /g)).toBe(failing);
      expect(count(xml, /<skipped /g)).toBe(verdict.allowed.length);
      expect(attribute(xml, "testsuites", "failures")).toBe(String(failing));
      expect(xml).toContain(`<property name="below-threshold" value="${verdict.belowThreshold}">`);
      for (const { finding } of verdict.failing) expect(xml).toContain(`name="${finding.id} in ${finding.pkgName}@${finding.installedVersion}"`);
    });
  }

  it("a clean scan is one passing test; a not-scanned one is one skipped test with the reason", () => {
    const clean = toJUnit(reportOf([]), evaluateGate(reportOf([]), { now: NOW }));
    expect([count(clean, /<testcase /g), count(clean, /<failure|<skipped/g)]).toEqual([1, 0]);
    const skipped = toJUnit(undefined, notScannedVerdict("DB download failed", {}));
    expect(skipped).toContain('<skipped message="not scanned (failing open): DB download failed">');
  });
});

describe("Markdown summary", () => {
  const report = reportOf(Array.from({ length: 7 }, (_, i) => ({ id: `CVE-2099-${i}`, severity: i < 5 ? "CRITICAL" : "LOW", pkg: `lib|${i}` })));

  it("shows the verdict, a count per severity and the failing findings, capped with a note", () => {
    const verdict = evaluateGate(report, { now: NOW });
    const md = toMarkdown(report, verdict, { maxRows: 3 });
    expect(md).toContain(`❌ **Gate failed**: ${verdict.summary}`);
    expect(md).toContain("| CRITICAL | 5 | 5 | 0 |");
    expect(md).toContain("| LOW | 2 | 0 | 0 |");
    expect(md).toContain("| Total | 7 | 5 | 0 |");
    expect(count(md, /\| CRITICAL \| \[CVE-2099-/g)).toBe(3);
    expect(md).toContain("… and 2 more failing finding(s) not shown");
    expect(md).toContain("lib\\|0"); // pipes in cells are escaped
  });

  it("lists allowed findings with their reason and unused allow-list entries", () => {
    const verdict = evaluateGate(report, { allowList: [{ id: "CVE-2099-0", reason: "tolerated" }, { id: "CVE-1999-1" }], now: NOW });
    const md = toMarkdown(report, verdict);
    expect(md).toContain("### Allowed findings");
    expect(md).toContain("allow-listed: tolerated");
    expect(md).toContain("`CVE-1999-1`");
  });

  it("says plainly when nothing was scanned", () => {
    const md = toMarkdown(undefined, notScannedVerdict("no DB", {}));
    expect(md).toContain("⚠️ **Gate not-scanned**: not scanned (failing open): no DB");
    expect(md).not.toContain("| Severity |");
  });
});

describe("plain-text summary", () => {
  it("aligns a table of counts per severity and ends with the verdict", () => {
    const report = reportOf([
      { id: "CVE-1", severity: "HIGH" },
      { id: "CVE-2", severity: "LOW" },
    ]);
    const text = summaryText(report, evaluateGate(report, { now: NOW }));
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toBe("Scanned ghcr.io/acme/api:1.0 (alpine 3.22.1) with Trivy 0.74.0");
    expect(lines.slice(1, 8).map((l) => l.split(/\s+/))).toEqual([
      ["Severity", "Findings", "Failing", "Allowed"],
      ["CRITICAL", "0", "0", "0"],
      ["HIGH", "1", "1", "0"],
      ["MEDIUM", "0", "0", "0"],
      ["LOW", "1", "0", "0"],
      ["UNKNOWN", "0", "0", "0"],
      ["Total", "2", "1", "0"],
    ]);
    expect(new Set(lines.slice(1, 8).map((l) => l.indexOf(l.split(/\s+/)[1]!))).size).toBe(1);
    expect(lines[8]).toMatch(/^Gate: failed: 1 finding/);
  });

  it("counts a whole report per severity without a gate", () => {
    for (const fixture of trivyFixtures()) {
      const report = parseTrivyReport(fixture.text, fixture.name);
      const counts = countReport(report);
      for (const v of rawVulnerabilities(fixture.raw)) counts[(v.Severity ?? "UNKNOWN") as keyof typeof counts]--;
      expect(
        Object.values(counts).every((n) => n === 0),
        fixture.name,
      ).toBe(true);
    }
  });
});

describe("renderScanOutputs", () => {
  const times = { startTime: new Date("2026-06-15T12:00:00Z"), endTime: new Date("2026-06-15T12:00:05Z"), analyzerVersion: "0.1.0" };

  it("passes Trivy's JSON through unchanged and renders every format", () => {
    const fixture = trivyFixtures()[0]!;
    const report = parseTrivyReport(fixture.text, fixture.name);
    const out = renderScanOutputs({ rawJson: fixture.text, report, verdict: evaluateGate(report, { now: NOW }), imageName: "ghcr.io/acme/api:1", ...times });
    expect(out.json).toBe(fixture.text);
    expect(JSON.parse(out.gitlab!).vulnerabilities).toHaveLength(findingsOf(report).length);
    expect(out.sarif!.results).toBe(findingsOf(report).length);
    expect(out.junit).toContain('time="5.000"');
    expect(out.markdown).toContain("## Vulnerability scan");
    expect(out.summary).toContain("Gate:");
  });

  it("writes no SARIF or GitLab report when nothing was scanned, and no GitLab report without an image name", () => {
    const notScanned = renderScanOutputs({ verdict: notScannedVerdict("no DB", {}), imageName: "ghcr.io/acme/api:1", ...times });
    expect([notScanned.sarif, notScanned.gitlab, notScanned.json]).toEqual([undefined, undefined, undefined]);
    const report = reportOf([]);
    const noImage = renderScanOutputs({ report, verdict: evaluateGate(report, { now: NOW }), ...times });
    expect([noImage.sarif === undefined, noImage.gitlab]).toEqual([false, undefined]);
  });
});
