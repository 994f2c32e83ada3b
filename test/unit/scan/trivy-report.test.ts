import { describe, expect, it } from "vitest";
import { FileError } from "../../../core/errors.js";
import { findingsOf, parseTrivyReport } from "../../../core/scan/trivy-report.js";
import { rawVulnerabilities, trivyFixtures } from "./fixtures.js";

function parseError(text: string, file = "report.json"): FileError {
  try {
    parseTrivyReport(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(FileError);
    return error as FileError;
  }
  throw new Error("expected a FileError");
}

describe("parseTrivyReport on real Trivy output", () => {
  for (const fixture of trivyFixtures()) {
    it(`${fixture.name}: keeps every vulnerability with its target, severity and fix`, () => {
      const report = parseTrivyReport(fixture.text, fixture.name);
      const findings = findingsOf(report);
      const raw = rawVulnerabilities(fixture.raw);
      expect(report.artifactName).toBe(fixture.raw.ArtifactName);
      expect(report.results).toHaveLength(fixture.raw.Results?.length ?? 0);
      expect(findings.map((f) => [f.id, f.pkgName, f.target, f.severity, f.fixedVersion ?? "", f.status ?? ""])).toEqual(
        raw.map((v) => [v.VulnerabilityID, v.PkgName, v.target, v.Severity ?? "UNKNOWN", v.FixedVersion ?? "", v.Status ?? ""]),
      );
    });
  }

  it("reads output without Status (older Trivy) and results without Vulnerabilities", () => {
    const fixture = trivyFixtures().find((f) => f.name.startsWith("defectdojo"))!;
    const report = parseTrivyReport(fixture.text, fixture.name);
    expect(findingsOf(report).every((f) => f.status === undefined)).toBe(true);
    const empty = report.results.filter((r) => r.vulnerabilities.length === 0);
    expect(empty.length).toBeGreaterThan(0);
    expect(fixture.raw.Results!.filter((r) => r.Vulnerabilities === undefined).map((r) => r.Target)).toEqual(empty.map((r) => r.target));
  });

  it("reads an unfixed vulnerability as having no FixedVersion and status affected", () => {
    const fixture = trivyFixtures().find((f) => f.name.includes("debian-buster"))!;
    const bash = findingsOf(parseTrivyReport(fixture.text, fixture.name)).find((f) => f.id === "CVE-2019-18276")!;
    expect(bash.fixedVersion).toBeUndefined();
    expect(bash.status).toBe("affected");
    expect(bash.purl).toMatch(/^pkg:deb\/debian\/bash@/);
  });

  it("takes the CVSS score from the severity source only", () => {
    const text = JSON.stringify({
      SchemaVersion: 2,
      Results: [
        {
          Target: "t",
          Vulnerabilities: [
            { VulnerabilityID: "CVE-1", PkgName: "p", Severity: "LOW", SeveritySource: "debian", CVSS: { nvd: { V3Score: 9.8 } } },
            { VulnerabilityID: "CVE-2", PkgName: "p", Severity: "CRITICAL", SeveritySource: "nvd", CVSS: { nvd: { V3Score: 9.1 } } },
          ],
        },
      ],
    });
    expect(findingsOf(parseTrivyReport(text, "r.json")).map((f) => f.cvssScore)).toEqual([undefined, 9.1]);
  });

  it("accepts a report with no Results at all (nothing to scan)", () => {
    expect(parseTrivyReport('{"SchemaVersion":2,"ArtifactName":"x"}', "r.json").results).toEqual([]);
  });

  it("treats a missing Severity as UNKNOWN, as Trivy does", () => {
    const text = '{"SchemaVersion":2,"Results":[{"Target":"t","Vulnerabilities":[{"VulnerabilityID":"CVE-1","PkgName":"p"}]}]}';
    expect(findingsOf(parseTrivyReport(text, "r.json"))[0]!.severity).toBe("UNKNOWN");
  });
});

describe("parseTrivyReport rejects what it cannot trust", () => {
  const fixture = trivyFixtures().find((f) => f.name.includes("debian-buster"))!;

  it("a truncated file: names the file, the line and the column of the end", () => {
    const cut = fixture.text.slice(0, Math.floor(fixture.text.length / 2));
    const error = parseError(cut, "scan/trivy.json");
    const lines = cut.split("\n");
    expect(error.file).toBe("scan/trivy.json");
    expect(error.line).toBe(lines.length);
    expect(error.problem).toContain(`column ${lines[lines.length - 1]!.length + 1}`);
    expect(error.message).toMatch(/^scan\/trivy\.json:\d+: invalid JSON at column \d+: unexpected end of input/);
  });

  it("a syntax error in the middle: the exact line and column", () => {
    const badLine = '  "Results": [tru]';
    const error = parseError(`{\n  "SchemaVersion": 2,\n${badLine}\n}`);
    expect(error.line).toBe(3);
    expect(error.problem).toContain(`column ${badLine.indexOf("tru") + 1}:`);
    expect(error.problem).toContain("expected a value");
  });

  it.each([
    ["a comment", '{\n  "SchemaVersion": 2, // two\n  "Results": []\n}', 2, 23, "comments are not allowed"],
    ["a trailing comma", '{\n  "SchemaVersion": 2,\n}', 3, 1, "expected a property name"],
    ["a raw tab inside a string", '{"SchemaVersion": 2,\n "ArtifactName": "a\tb"}', 2, 20, "control character inside a string"],
    ["text after the value", '{"SchemaVersion": 2}\n{"SchemaVersion": 2}', 2, 1, "after the end of the JSON value"],
    ["a single-quoted string", "{'SchemaVersion': 2}", 1, 2, "unexpected text"],
  ])("%s: names the line, the column and why", (_, text, line, column, reason) => {
    const error = parseError(text, "scan/trivy.json");
    expect([error.file, error.line]).toEqual(["scan/trivy.json", line]);
    expect(error.problem).toMatch(new RegExp(`^invalid JSON at column ${column}: .*${reason}`));
  });

  it("an empty file", () => {
    expect(parseError("").problem).toContain("unexpected end of input");
  });

  it("another SchemaVersion", () => {
    const error = parseError(fixture.text.replace('"SchemaVersion": 2', '"SchemaVersion": 1'));
    expect(error.field).toBe("SchemaVersion");
    expect(error.problem).toContain("SchemaVersion 1");
  });

  it("no SchemaVersion (not a Trivy JSON report)", () => {
    expect(parseError('{"Results":[]}').problem).toContain("no SchemaVersion");
  });

  it("a top level that is not an object", () => {
    expect(parseError("[]").message).toContain("expected an object");
  });

  it("a field of the wrong type, naming its JSON path", () => {
    const text = JSON.stringify({
      SchemaVersion: 2,
      Results: [{ Target: "t", Vulnerabilities: [{ VulnerabilityID: "CVE-1", PkgName: "p", FixedVersion: 3 }] }],
    });
    const error = parseError(text);
    expect(error.field).toBe("Results[0].Vulnerabilities[0].FixedVersion");
    expect(error.problem).toContain("expected a string, got number 3");
  });

  it("Vulnerabilities that is not an array", () => {
    const error = parseError('{"SchemaVersion":2,"Results":[{"Target":"t","Vulnerabilities":{}}]}');
    expect(error.field).toBe("Results[0].Vulnerabilities");
  });

  it("a vulnerability without an ID", () => {
    const error = parseError('{"SchemaVersion":2,"Results":[{"Target":"t","Vulnerabilities":[{"PkgName":"p"}]}]}');
    expect(error.field).toBe("Results[0].Vulnerabilities[0].VulnerabilityID");
  });

  it("a severity or status Trivy does not write", () => {
    const v = (extra: object) =>
      JSON.stringify({ SchemaVersion: 2, Results: [{ Target: "t", Vulnerabilities: [{ VulnerabilityID: "C", PkgName: "p", ...extra }] }] });
    expect(parseError(v({ Severity: "SEVERE" })).field).toMatch(/Severity$/);
    expect(parseError(v({ Status: "patched" })).field).toMatch(/Status$/);
  });
});
