// Vulnerability-scan reporting on a large image: 10,000 findings through the parser, the gate and
// every converter. Target: 10,000 findings gated in ≤ 50 ms (parsing is reported separately); the
// converters are printed beside it.
import { evaluateGate } from "../core/scan/gate.js";
import { toGitLabContainerScanningJson } from "../core/scan/gitlab.js";
import { toJUnit } from "../core/scan/junit.js";
import { toMarkdown } from "../core/scan/markdown.js";
import { toSarif } from "../core/scan/sarif.js";
import { SEVERITIES } from "../core/scan/severity.js";
import { summaryText } from "../core/scan/summary.js";
import { parseTrivyReport } from "../core/scan/trivy-report.js";

const FINDINGS = 10_000;
const TARGET_MS = 50;
const ROUNDS = 5;

/** A Trivy JSON report shaped like real output: OS and Go-binary results, about 2,000 distinct IDs. */
function syntheticReport(findings: number): string {
  const vulnerability = (i: number) => ({
    VulnerabilityID: `CVE-2099-${String(i % 2000).padStart(5, "0")}`,
    PkgID: `pkg${i % 700}@1.${i % 13}.0`,
    PkgName: `pkg${i % 700}`,
    InstalledVersion: `1.${i % 13}.0`,
    ...(i % 3 === 0 ? {} : { FixedVersion: `1.${(i % 13) + 1}.0` }),
    Status: i % 3 === 0 ? "affected" : "fixed",
    SeveritySource: "nvd",
    PrimaryURL: `https://avd.aquasec.com/nvd/cve-2099-${i % 2000}`,
    Title: `pkg${i % 700}: synthetic flaw number ${i % 2000}`,
    Description: `A synthetic vulnerability description for benchmark finding ${i}. `.repeat(4),
    Severity: SEVERITIES[i % SEVERITIES.length],
    CweIDs: ["CWE-79"],
    CVSS: { nvd: { V3Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", V3Score: (i % 100) / 10 } },
    References: [`https://example.com/advisories/${i % 2000}`, `https://example.org/${i}`],
  });
  const half = Math.floor(findings / 2);
  return JSON.stringify({
    SchemaVersion: 2,
    Trivy: { Version: "0.74.0" },
    ArtifactName: "ghcr.io/acme/api:1.2.3",
    ArtifactType: "container_image",
    Metadata: { OS: { Family: "debian", Name: "12.5" } },
    Results: [
      {
        Target: "ghcr.io/acme/api:1.2.3 (debian 12.5)",
        Class: "os-pkgs",
        Type: "debian",
        Vulnerabilities: Array.from({ length: half }, (_, i) => vulnerability(i)),
      },
      {
        Target: "app/server",
        Class: "lang-pkgs",
        Type: "gobinary",
        Vulnerabilities: Array.from({ length: findings - half }, (_, i) => vulnerability(half + i)),
      },
    ],
  });
}

function time<T>(fn: () => T): [T, number] {
  const start = performance.now();
  const value = fn();
  return [value, performance.now() - start];
}

/**
 * The time to write a report's text, as far as it would be written: its UTF-8 length. A string built
 * with `+` may still be a tree of pieces that the engine copies into one when first read; that copy
 * belongs to the converter's cost, not to whoever reads the text next.
 */
function timeText(fn: () => string): number {
  return time(() => Buffer.byteLength(fn()))[1];
}

export default async function bench(): Promise<void> {
  const text = syntheticReport(FINDINGS);
  const now = new Date("2026-06-15T12:00:00Z");
  const rows: [string, number[]][] = [
    ["parse", []],
    ["gate", []],
    ["sarif", []],
    ["gitlab", []],
    ["junit", []],
    ["markdown", []],
    ["summary", []],
  ];
  const record = (name: string, ms: number) => rows.find(([n]) => n === name)![1].push(ms);
  for (let round = 0; round < ROUNDS; round++) {
    const [report, parseMs] = time(() => parseTrivyReport(text, "bench.json"));
    const [verdict, gateMs] = time(() => evaluateGate(report, { threshold: "HIGH", allowList: [{ id: "CVE-2099-00004" }], now }));
    record("parse", parseMs);
    record("gate", gateMs);
    record(
      "sarif",
      timeText(() => toSarif(report, { imageName: "ghcr.io/acme/api:1.2.3" }).json),
    );
    record(
      "gitlab",
      timeText(() => toGitLabContainerScanningJson(report, { imageName: "ghcr.io/acme/api:1.2.3", startTime: now, endTime: now, analyzerVersion: "bench" })),
    );
    record(
      "junit",
      timeText(() => toJUnit(report, verdict)),
    );
    record(
      "markdown",
      timeText(() => toMarkdown(report, verdict)),
    );
    record(
      "summary",
      timeText(() => summaryText(report, verdict)),
    );
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  console.log(`${FINDINGS} findings, ${(text.length / 1e6).toFixed(1)} MB of Trivy JSON; median of ${ROUNDS} rounds (first round warms up)`);
  for (const [name, values] of rows) console.log(`  ${name.padEnd(9)} ${median(values).toFixed(1).padStart(7)} ms`);
  const gate = median(rows.find(([name]) => name === "gate")![1]);
  const total = rows.filter(([name]) => name !== "parse").reduce((sum, [, values]) => sum + median(values), 0);
  console.log(`  gate: ${gate.toFixed(1)} ms (target ≤ ${TARGET_MS} ms): ${gate <= TARGET_MS ? "met" : "ABOVE TARGET"}`);
  // The scan issue also aimed at 50 ms for the gate and every converter together; the floor of
  // writing ~17 MB of report text makes that a known miss (see the scan issue's notes).
  console.log(`  gate + every converter: ${total.toFixed(1)} ms (aim ≤ ${TARGET_MS} ms): ${total <= TARGET_MS ? "met" : "missed"}`);
}
