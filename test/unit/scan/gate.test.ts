import { describe, expect, it } from "vitest";
import { ArgumentError, FileError } from "../../../core/errors.js";
import { parseAllowList } from "../../../core/scan/allow-list.js";
import { evaluateGate, hasFix, notScannedVerdict } from "../../../core/scan/gate.js";
import { SEVERITIES, totalCount } from "../../../core/scan/severity.js";
import { findingsOf, parseTrivyReport } from "../../../core/scan/trivy-report.js";
import { NOW, rawVulnerabilities, trivyFixtures } from "./fixtures.js";
import { reportOf } from "./reports.js";

const key = (f: { id: string; pkgName: string; target: string }) => `${f.id} ${f.pkgName} ${f.target}`;

describe("the gate on real Trivy output", () => {
  for (const fixture of trivyFixtures()) {
    const report = parseTrivyReport(fixture.text, fixture.name);
    const raw = rawVulnerabilities(fixture.raw);
    const rawKey = (v: (typeof raw)[number]) => `${v.VulnerabilityID} ${v.PkgName} ${v.target}`;
    const unfixed = (v: (typeof raw)[number]) => (v.Status ? v.Status !== "fixed" : !v.FixedVersion);

    it(`${fixture.name}: by default fails exactly the HIGH and CRITICAL findings`, () => {
      const verdict = evaluateGate(report, { now: NOW });
      const expected = raw
        .filter((v) => v.Severity === "HIGH" || v.Severity === "CRITICAL")
        .map(rawKey)
        .sort();
      expect(verdict.failing.map((f) => key(f.finding)).sort()).toEqual(expected);
      expect(verdict.passed).toBe(expected.length === 0);
      expect(verdict.status).toBe(expected.length === 0 ? "passed" : "failed");
      expect(totalCount(verdict.counts)).toBe(raw.length);
      expect(verdict.belowThreshold).toBe(raw.length - expected.length);
    });

    it(`${fixture.name}: a threshold equals the list of severities at and above it`, () => {
      for (const threshold of SEVERITIES) {
        const byThreshold = evaluateGate(report, { threshold, now: NOW });
        const byList = evaluateGate(report, { severities: SEVERITIES.slice(SEVERITIES.indexOf(threshold)), now: NOW });
        expect(byThreshold.failing).toEqual(byList.failing);
      }
    });

    it(`${fixture.name}: ignoreUnfixed lets findings without a fix pass (Status, else FixedVersion)`, () => {
      const verdict = evaluateGate(report, { threshold: "UNKNOWN", ignoreUnfixed: true, now: NOW });
      expect(verdict.failing.map((f) => key(f.finding)).sort()).toEqual(
        raw
          .filter((v) => !unfixed(v))
          .map(rawKey)
          .sort(),
      );
      expect(verdict.allowed.map((a) => key(a.finding)).sort()).toEqual(raw.filter(unfixed).map(rawKey).sort());
    });
  }
});

describe("hasFix", () => {
  it("follows Status when Trivy wrote one, FixedVersion otherwise", () => {
    const [fixedByStatus, willNotFix, oldFixed, oldUnfixed] = findingsOf(
      reportOf([
        { id: "A", severity: "HIGH", fixed: "2", status: "fixed" },
        { id: "B", severity: "HIGH", fixed: "2", status: "will_not_fix" },
        { id: "C", severity: "HIGH", fixed: "2" },
        { id: "D", severity: "HIGH" },
      ]),
    );
    expect([fixedByStatus, willNotFix, oldFixed, oldUnfixed].map((f) => hasFix(f!))).toEqual([true, false, true, false]);
  });
});

describe("allow-list", () => {
  const report = reportOf([
    { id: "CVE-2024-0001", severity: "CRITICAL", pkg: "openssl", fixed: "3.1" },
    { id: "CVE-2024-0001", severity: "CRITICAL", pkg: "libcrypto", fixed: "3.1" },
    { id: "CVE-2024-0002", severity: "HIGH", pkg: "zlib" },
  ]);

  it("lets listed findings pass with the entry's reason, per package when one is named", () => {
    const allowList = parseAllowList("- id: cve-2024-0001\n  package: openssl\n  until: 2026-06-15\n  reason: not reachable\n", "allow.yaml");
    const verdict = evaluateGate(report, { allowList, now: NOW });
    expect(verdict.allowed.map((a) => [a.finding.pkgName, a.reason])).toEqual([["openssl", "allow-listed until 2026-06-15: not reachable"]]);
    expect(verdict.allowed[0]!.entry).toBe(allowList[0]);
    expect(verdict.failing.map((f) => f.finding.pkgName).sort()).toEqual(["libcrypto", "zlib"]);
  });

  it("an expired entry is an error naming the entry, its file and line, even if nothing matches it", () => {
    const allowList = parseAllowList("- id: CVE-2024-0002\n- id: CVE-1999-0001\n  until: 2026-06-14\n", "allow.yaml");
    const error = (() => {
      try {
        evaluateGate(report, { allowList, now: NOW });
      } catch (e) {
        return e as FileError;
      }
    })();
    expect(error).toBeInstanceOf(FileError);
    expect([error!.file, error!.line, error!.field]).toEqual(["allow.yaml", 2, "until"]);
    expect(error!.problem).toContain("CVE-1999-0001 expired on 2026-06-14");
  });

  it("an expired entry given as an argument is an ArgumentError", () => {
    expect(() => evaluateGate(report, { allowList: [{ id: "CVE-2024-0002", until: "2020-01-01" }], now: NOW })).toThrow(ArgumentError);
  });

  it("reports entries that matched nothing", () => {
    const verdict = evaluateGate(report, { allowList: [{ id: "CVE-2024-0002" }, { id: "CVE-2000-1" }], now: NOW });
    expect(verdict.unusedAllowList.map((e) => e.id)).toEqual(["CVE-2000-1"]);
  });
});

describe("maxCounts", () => {
  const report = reportOf([
    { id: "H1", severity: "HIGH", fixed: "2" },
    { id: "H2", severity: "HIGH", fixed: "2" },
    { id: "C1", severity: "CRITICAL", fixed: "2" },
  ]);

  it("tolerates up to the maximum and fails every finding of that severity beyond it", () => {
    const within = evaluateGate(report, { maxCounts: { HIGH: 2 }, now: NOW });
    expect(within.failing.map((f) => f.finding.id)).toEqual(["C1"]);
    expect(within.allowed.map((a) => a.reason)).toEqual(["2 HIGH finding(s), within the maximum of 2", "2 HIGH finding(s), within the maximum of 2"]);
    const beyond = evaluateGate(report, { maxCounts: { HIGH: 1, CRITICAL: 0 }, now: NOW });
    expect(beyond.failing.map((f) => f.finding.id)).toEqual(["C1", "H1", "H2"]);
    expect(beyond.failing[1]!.reason).toContain("2 HIGH findings exceed the maximum of 1");
  });

  it("counts only findings left after the allow-list", () => {
    const verdict = evaluateGate(report, { maxCounts: { HIGH: 1 }, allowList: [{ id: "H2" }], now: NOW });
    expect(verdict.failing.map((f) => f.finding.id)).toEqual(["C1"]);
  });

  it("rejects a maximum for a severity that is not gated, or a negative one", () => {
    expect(() => evaluateGate(report, { maxCounts: { LOW: 3 }, now: NOW })).toThrow(/--max-counts: LOW is not a gated severity/);
    expect(() => evaluateGate(report, { maxCounts: { HIGH: -1 }, now: NOW })).toThrow(ArgumentError);
  });
});

describe("policy errors and special verdicts", () => {
  it("refuses both a severity list and a threshold", () => {
    expect(() => evaluateGate(reportOf([]), { severities: ["HIGH"], threshold: "LOW", now: NOW })).toThrow(ArgumentError);
  });

  it("never fails a finding Trivy marks not_affected", () => {
    const verdict = evaluateGate(reportOf([{ id: "X", severity: "CRITICAL", status: "not_affected" }]), { now: NOW });
    expect([verdict.passed, verdict.allowed[0]!.reason]).toEqual([true, "status not_affected"]);
  });

  it("a clean report passes with all counts zero", () => {
    const verdict = evaluateGate(reportOf([]), { now: NOW });
    expect([verdict.status, totalCount(verdict.counts), verdict.summary]).toEqual(["passed", 0, "passed: no finding fails the gate (HIGH,CRITICAL)"]);
  });

  it("lists failing findings most severe first and says so in the summary", () => {
    const verdict = evaluateGate(
      reportOf([
        { id: "B", severity: "HIGH" },
        { id: "A", severity: "CRITICAL" },
        { id: "C", severity: "HIGH" },
      ]),
      { now: NOW },
    );
    expect(verdict.failing.map((f) => f.finding.id)).toEqual(["A", "B", "C"]);
    expect(verdict.summary).toBe("failed: 3 finding(s) fail the gate (HIGH,CRITICAL): 1 CRITICAL, 2 HIGH");
  });

  it("a not-scanned verdict passes and carries the reason", () => {
    const verdict = notScannedVerdict("the vulnerability DB could not be downloaded", { threshold: "HIGH" });
    expect([verdict.status, verdict.passed, verdict.summary]).toEqual([
      "not-scanned",
      true,
      "not scanned (failing open): the vulnerability DB could not be downloaded",
    ]);
  });
});
