import { describe, expect, it } from "vitest";

import { evaluateGate } from "../../../core/scan/gate.js";
import { failingLines, ignoreFilePath, scanPolicy } from "../../../core/scan/policy.js";
import { parseTrivyReport } from "../../../core/scan/trivy-report.js";

const report = parseTrivyReport(
  JSON.stringify({
    SchemaVersion: 2,
    ArtifactName: "hello-api",
    ArtifactType: "container_image",
    Results: [
      {
        Target: "hello-api (alpine 3.22.1)",
        Class: "os-pkgs",
        Type: "alpine",
        Vulnerabilities: [
          {
            VulnerabilityID: "CVE-2099-0001",
            PkgName: "fixturelib",
            InstalledVersion: "1.2.3-r0",
            FixedVersion: "1.2.4-r0",
            Status: "fixed",
            Severity: "CRITICAL",
          },
          { VulnerabilityID: "CVE-2099-0003", PkgName: "otherlib", InstalledVersion: "2.0.0-r0", Status: "affected", Severity: "HIGH" },
        ],
      },
    ],
  }),
  "trivy.json",
);

describe("scanPolicy", () => {
  it("turns the function's arguments into the gate policy", () => {
    const policy = scanPolicy({ severities: "high,CRITICAL", ignoreUnfixed: true, maxCounts: ["critical=1"], now: "2026-11-22T00:00:00Z" });
    expect(policy).toMatchObject({ severities: ["HIGH", "CRITICAL"], ignoreUnfixed: true, maxCounts: { CRITICAL: 1 }, allowList: [] });
    expect(evaluateGate(report, policy).passed).toBe(true);
  });

  it("reads the allow-list file and judges expiry at the scan's time", () => {
    const allowList = { name: "allow.yaml", text: "- id: CVE-2099-0001\n  until: 2026-12-31\n  reason: patched upstream, rolling out\n" };
    const policy = scanPolicy({ severities: "CRITICAL", ignoreUnfixed: false, maxCounts: [], allowList, now: "2026-11-22T00:00:00Z" });
    expect(evaluateGate(report, policy).passed).toBe(true);
    const later = scanPolicy({ severities: "CRITICAL", ignoreUnfixed: false, maxCounts: [], allowList, now: "2027-01-02T00:00:00Z" });
    expect(() => evaluateGate(report, later)).toThrow(/allow\.yaml:1.*CVE-2099-0001/s);
  });

  it("names the argument of a bad severity or count", () => {
    const base = { ignoreUnfixed: false, now: "2026-11-22T00:00:00Z" };
    expect(() => scanPolicy({ ...base, severities: "HIGH,SEVERE", maxCounts: [] })).toThrow("--severities");
    expect(() => scanPolicy({ ...base, severities: "HIGH", maxCounts: ["HIGH=lots"] })).toThrow('--max-counts: "HIGH=lots" must look like SEVERITY=n');
    expect(() => scanPolicy({ ...base, severities: "HIGH", maxCounts: ["SEVERE=1"] })).toThrow("--max-counts");
  });

  it("lists failing findings one per line, with the fix when there is one", () => {
    const verdict = evaluateGate(report, scanPolicy({ severities: "HIGH,CRITICAL", ignoreUnfixed: false, maxCounts: [], now: "2026-11-22T00:00:00Z" }));
    const lines = failingLines(verdict);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^CRITICAL CVE-2099-0001 fixturelib 1\.2\.3-r0 \(fixed in 1\.2\.4-r0\): /);
    expect(lines[1]).toMatch(/^HIGH CVE-2099-0003 otherlib 2\.0\.0-r0: /);
  });
});

describe("ignoreFilePath", () => {
  it("keeps the YAML format visible to Trivy through the mounted name", () => {
    expect(ignoreFilePath("trivyignore.yaml", "/w")).toBe("/w/.trivyignore.yaml");
    expect(ignoreFilePath(".trivyignore.yml", "/w")).toBe("/w/.trivyignore.yaml");
    expect(ignoreFilePath(".trivyignore", "/w")).toBe("/w/.trivyignore");
  });
});
