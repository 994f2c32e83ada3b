// Check 4: the scan gate passes exactly when no finding has a gated severity, both as the pipeline
// configures it and with every severity gated, and the reports of one scan are valid documents.
import { GantrySeverity, type Directory, type GantryScanReport } from "@dagger.io/dagger";

import { expectEqual, expectThat, parseJson } from "../expect.js";
import { pipelineFacts } from "../pipeline.js";
import { gantry } from "../release.js";
import { alpineWith, runScript } from "../tools.js";

/** Judges the gate against the report's own counts: passed, failing and check must agree. */
async function expectGate(report: GantryScanReport, gated: GantrySeverity[], what: string): Promise<number> {
  let findings = 0;
  for (const severity of gated) findings += await report.count(severity);
  const passed = await report.passed();
  expectEqual(passed, findings === 0, `${what}: passed with ${findings} gated finding(s)`);
  expectEqual((await report.failing()).length === 0, passed, `${what}: failing() agrees with passed`);
  const checked = await report.check().then(
    () => true,
    () => false,
  );
  expectEqual(checked, passed, `${what}: check() agrees with passed`);
  return findings;
}

function severities(names: string[]): GantrySeverity[] {
  const known = Object.values(GantrySeverity) as string[];
  const unknown = names.filter((n) => !known.includes(n));
  expectThat(unknown.length === 0, `pipelines/gantry.yaml gates unknown severities: ${unknown.join(", ")}`);
  return names as GantrySeverity[];
}

/** SARIF 2.1.0 with at least one run, and GitLab's container-scanning report. */
function expectJsonReports(sarifText: string, gitlabText: string): void {
  const sarif = parseJson(sarifText, "trivy.sarif");
  expectEqual(sarif.version, "2.1.0", "trivy.sarif version");
  expectThat(Array.isArray(sarif.runs) && sarif.runs.length > 0, "trivy.sarif has no runs");
  const gitlab = parseJson(gitlabText, "gl-container-scanning-report.json");
  expectThat(typeof gitlab.version === "string", "gl-container-scanning-report.json has no schema version");
  expectThat(Array.isArray(gitlab.vulnerabilities), "gl-container-scanning-report.json has no vulnerabilities list");
  expectEqual((gitlab.scan as { type?: string } | undefined)?.type, "container_scanning", "gl-container-scanning-report.json scan.type");
}

export async function checkScan(source: Directory): Promise<string> {
  const facts = await pipelineFacts(source);
  const configured = await expectGate(gantry().scan({ source, imageName: "", sarifCategory: "" }), severities(facts.gatedSeverities), "gate as configured");
  const all = Object.values(GantrySeverity);
  const strict = gantry().scan({ source, severities: all, imageName: `registry.example/${facts.name}:engine-test`, sarifCategory: "gantry-engine-tests" });
  const everything = await expectGate(strict, all, "gate on every severity");

  const reports = strict.reports();
  const entries = await reports.entries();
  for (const name of ["trivy.json", "trivy.sarif", "gl-container-scanning-report.json", "trivy-junit.xml", "summary.md", "gate.txt"]) {
    expectThat(entries.includes(name), `scan reports: ${name} missing (got ${entries.join(", ")})`);
  }
  parseJson(await reports.file("trivy.json").contents(), "trivy.json");
  const gate = (await reports.file("gate.txt").contents()).split("\n")[0];
  expectEqual(gate, (await strict.passed()) ? "passed" : "failed", "gate.txt's first line agrees with passed");
  expectJsonReports(await reports.file("trivy.sarif").contents(), await reports.file("gl-container-scanning-report.json").contents());
  const xml = await runScript(alpineWith("libxml2-utils").withMountedDirectory("/reports", reports), "xmllint --noout /reports/trivy-junit.xml");
  expectEqual(xml.code, 0, `trivy-junit.xml is not well-formed XML (${xml.output})`);
  return `scan: gate as configured (${facts.gatedSeverities.join(", ")}) saw ${configured} gated finding(s), every severity ${everything}; SARIF, GitLab, JUnit and Trivy reports valid`;
}
