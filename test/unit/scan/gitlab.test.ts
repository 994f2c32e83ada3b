import { describe, expect, it } from "vitest";
import { ArgumentError } from "../../../core/errors.js";
import { GITLAB_REPORT_SCHEMA_VERSION, toGitLabContainerScanning } from "../../../core/scan/gitlab.js";
import { findingsOf, parseTrivyReport } from "../../../core/scan/trivy-report.js";
import { trivyFixtures } from "./fixtures.js";
import { reportOf } from "./reports.js";
import { gitlabValidator } from "./schemas.js";

const validate = gitlabValidator();
const options = {
  imageName: "registry.gitlab.com/acme/api:1.2.3",
  startTime: new Date("2026-06-15T12:00:00.250Z"),
  endTime: new Date("2026-06-15T12:01:30Z"),
  analyzerVersion: "0.1.0",
};

describe("GitLab container-scanning report from real Trivy output", () => {
  for (const fixture of trivyFixtures()) {
    const report = parseTrivyReport(fixture.text, fixture.name);
    const findings = findingsOf(report);

    it(`${fixture.name}: valid against the 15.0.x container-scanning schema, one vulnerability per finding`, () => {
      const out = toGitLabContainerScanning(report, options);
      expect(validate(JSON.parse(JSON.stringify(out)))).toEqual([]);
      expect(out.version).toBe(GITLAB_REPORT_SCHEMA_VERSION);
      expect(out.vulnerabilities).toHaveLength(findings.length);
      expect(new Set(out.vulnerabilities.map((v) => v.id)).size).toBe(findings.length);
      expect(out.vulnerabilities.map((v) => v.location.image)).toEqual(findings.map(() => options.imageName));
      expect(new Set(out.vulnerabilities.map((v) => v.location.operating_system))).toEqual(new Set([`${report.os!.family} ${report.os!.name}`]));
      expect(out.vulnerabilities.map((v) => `${v.identifiers[0]!.value} ${v.location.dependency.package.name}`).sort()).toEqual(
        findings.map((f) => `${f.id} ${f.pkgName}`).sort(),
      );
    });

    it(`${fixture.name}: CVE identifiers carry type cve and a URL; fixed findings a solution`, () => {
      for (const v of toGitLabContainerScanning(report, options).vulnerabilities) {
        const id = v.identifiers[0]!;
        if (id.value.startsWith("CVE-")) expect([id.type, id.url?.startsWith("https://")]).toEqual(["cve", true]);
        const finding = findings.find((f) => f.id === id.value && f.pkgName === v.location.dependency.package.name)!;
        expect(v.solution).toBe(finding.fixedVersion ? `Upgrade ${finding.pkgName} to ${finding.fixedVersion}` : undefined);
      }
    });
  }

  it("writes scan times as GitLab wants them and names both tools", () => {
    const scan = toGitLabContainerScanning(reportOf([]), options).scan;
    expect([scan.start_time, scan.end_time, scan.type, scan.status]).toEqual(["2026-06-15T12:00:00", "2026-06-15T12:01:30", "container_scanning", "success"]);
    expect([scan.analyzer.id, scan.analyzer.version, scan.scanner.id, scan.scanner.version]).toEqual(["gantry", "0.1.0", "trivy", "0.74.0"]);
  });

  it("keeps a finding's ID from one run to the next", () => {
    const ids = () => toGitLabContainerScanning(reportOf([{ id: "CVE-1", severity: "HIGH" }]), options).vulnerabilities[0]!.id;
    expect(ids()).toBe(ids());
    expect(ids()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("adds CWE identifiers and drops links that are not URLs", () => {
    const report = reportOf([{ id: "GHSA-abcd-efgh-ijkl", severity: "MEDIUM" }]);
    const v = report.results[0]!.vulnerabilities[0]!;
    v.cweIds = ["CWE-79", "NVD-CWE-Other"];
    v.references = ["https://example.com/a", "not a url", "https://example.com/a"];
    v.primaryUrl = undefined;
    const out = toGitLabContainerScanning(report, options);
    expect(out.vulnerabilities[0]!.identifiers.map((i) => [i.type, i.value])).toEqual([
      ["ghsa", "GHSA-abcd-efgh-ijkl"],
      ["cwe", "79"],
    ]);
    expect(out.vulnerabilities[0]!.identifiers[0]!.url).toBe("https://github.com/advisories/GHSA-abcd-efgh-ijkl");
    expect(out.vulnerabilities[0]!.links).toEqual([{ url: "https://example.com/a" }]);
    expect(validate(JSON.parse(JSON.stringify(out)))).toEqual([]);
  });

  it("cuts text to the schema's lengths", () => {
    const report = reportOf([{ id: "CVE-1", severity: "LOW", fixed: "x".repeat(8000) }]);
    report.results[0]!.vulnerabilities[0]!.title = "t".repeat(300);
    const v = toGitLabContainerScanning(report, options).vulnerabilities[0]!;
    expect([v.name.length, v.solution!.length]).toEqual([255, 7000]);
  });

  it("requires a published image name, not a tarball path", () => {
    for (const imageName of ["/work/out/image.tar", "./image.tar", "image.tar.gz", "out/app.tgz", "", "Acme/API:1", "ghcr.io/acme/api:"]) {
      expect(() => toGitLabContainerScanning(reportOf([]), { ...options, imageName }), imageName).toThrow(ArgumentError);
    }
    for (const imageName of ["alpine", "localhost:5000/acme/api:dev", "ghcr.io/acme/api@sha256:" + "0".repeat(64)]) {
      expect(() => toGitLabContainerScanning(reportOf([]), { ...options, imageName }), imageName).not.toThrow();
    }
  });

  it("rejects an end before the start", () => {
    expect(() => toGitLabContainerScanning(reportOf([]), { ...options, endTime: new Date("2026-06-15T11:00:00Z") })).toThrow(/--end-time/);
  });

  it("is checked by a schema that rejects what GitLab rejects", () => {
    const out = JSON.parse(JSON.stringify(toGitLabContainerScanning(reportOf([{ id: "CVE-1", severity: "HIGH" }]), options)));
    out.vulnerabilities[0].location.image = "/tmp/image.tar";
    out.vulnerabilities[0].cve = "CVE-1";
    out.scan.start_time = "2026-06-15T12:00:00.250Z";
    const errors = validate(out).join("\n");
    expect(errors).toContain("/vulnerabilities/0/location/image");
    expect(errors).toContain("additionalProperty");
    expect(errors).toContain("/scan/start_time");
  });
});
