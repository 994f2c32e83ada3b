import { dag, func, object, type Directory, type File } from "@dagger.io/dagger";

import type { GateVerdict } from "#core/scan/gate.js";
import type { ScanState } from "#core/scan/scan-state.js";
import type { ScanFormat, ScanOutputs } from "#core/scan/outputs.js";
import type { TrivyReport } from "#core/scan/trivy-report.js";
import { Severity } from "./enums.js";

/**
 * A Trivy scan judged by Gantry's gate: counts, findings, and reports for people, GitHub and GitLab.
 * It holds the report as text, not as engine files, so a scan cached for a few minutes can be
 * continued from in a later `dagger call` without running Trivy again. The verdict and the reports
 * are computed when the scan ends and kept as fields, so reading them is served from the object's
 * state and never starts the module's runtime again (the reports directory is made from text alone).
 */
@object()
export class ScanReport {
  /** Trivy's JSON report; empty when the scan could not run and failOpen let it pass. */
  trivyJson: string;
  /** Why nothing was scanned (failOpen only). */
  @func()
  notScanned: string;
  severities: string[];
  ignoreUnfixed: boolean;
  maxCounts: string[];
  allowListName: string;
  allowListText: string;
  /** When the scan started (ISO 8601); allow-list expiry is judged at this time. */
  @func()
  scannedAt: string;
  finishedAt: string;
  /** Image name for the GitLab report and SARIF locations. */
  imageName: string;
  /** Whether the gate passes. */
  @func()
  passed: boolean;
  /** The findings that fail the gate, one line each, most severe first. */
  @func()
  failing: string[];
  /** A plain-text table of counts per severity and the gate's verdict. */
  @func()
  summary: string;
  /** Markdown for a GitHub job summary or a GitLab merge request note. */
  @func()
  markdown: string;
  /**
   * Every report of this one scan in a directory: trivy.json, trivy.sarif, gl-container-scanning-report.json
   * (with an image name), trivy-junit.xml, summary.md, summary.txt and gate.txt (first line passed or
   * failed, then why: a CI step judges it without calling the module again). Nothing runs Trivy again.
   * Example: dagger call scan --image-name ghcr.io/acme/api:1.2.3 reports export --path reports/scan
   */
  @func()
  reports!: Directory;

  // Every @object constructor parameter's type becomes part of the module's API, so the
  // constructor takes nothing and the internal state comes in through the static factory (which
  // also sets the reports directory the constructor leaves unset).
  constructor() {
    this.trivyJson = "";
    this.notScanned = "";
    this.severities = [];
    this.ignoreUnfixed = false;
    this.maxCounts = [];
    this.allowListName = "";
    this.allowListText = "";
    this.scannedAt = "";
    this.finishedAt = "";
    this.imageName = "";
    this.passed = false;
    this.failing = [];
    this.summary = "";
    this.markdown = "";
  }

  /** The report of a scan, judged and rendered once; `sarifCategory` names the SARIF run of the reports directory. */
  static async of(state: ScanState, sarifCategory = ""): Promise<ScanReport> {
    const scan = Object.assign(new ScanReport(), { ...state, trivyJson: state.trivyJson ?? "", notScanned: state.notScanned ?? "" });
    const { renderScanOutputs } = await import("#core/scan/outputs.js");
    const { failingLines } = await import("#core/scan/policy.js");
    const { scanReportFiles } = await import("#core/scan/report-files.js");
    const { reportDirectory } = await import("#dagger/report-directory.js");
    const input = await scan.outputsInput({ imageName: scan.imageName || undefined, sarifCategory: sarifCategory || undefined });
    const outputs = renderScanOutputs(input);
    return Object.assign(scan, {
      passed: input.verdict.passed,
      failing: failingLines(input.verdict),
      summary: outputs.summary,
      markdown: outputs.markdown,
      reports: reportDirectory(scanReportFiles(outputs, input.verdict)),
    });
  }

  /** Number of findings of one severity. Example: dagger call scan count --severity CRITICAL */
  @func()
  async count(
    /** The severity to count. */
    severity: Severity,
  ): Promise<number> {
    return (await this.judged()).verdict.counts[severity];
  }

  /** Trivy's own JSON report, unchanged. */
  @func()
  async json(): Promise<File> {
    const { SCAN_REPORT_FILES } = await import("#core/scan/report-files.js");
    return dag.file(SCAN_REPORT_FILES.json, await this.requireScanned("no Trivy report"));
  }

  /** SARIF 2.1.0 for GitHub code scanning, within its upload limits. Example: dagger call scan sarif export --path trivy.sarif */
  @func()
  async sarif(
    /** Code scanning category, to keep several scans of one commit apart. */
    category = "",
  ): Promise<File> {
    await this.requireScanned("no SARIF (an empty upload would close every open alert)");
    const sarif = await this.output("sarif", { sarifCategory: category || undefined });
    const { SCAN_REPORT_FILES } = await import("#core/scan/report-files.js");
    return dag.file(SCAN_REPORT_FILES.sarif, sarif!.json);
  }

  /** The GitLab container-scanning report (artifacts:reports:container_scanning). */
  @func()
  async gitlab(
    /** The scanned image's name as GitLab should show it, e.g. $CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA. */
    imageName = "",
  ): Promise<File> {
    await this.requireScanned("no GitLab report");
    const gitlab = await this.output("gitlab", { imageName: imageName || this.imageName || undefined });
    if (!gitlab) throw new Error("--image-name: the GitLab report needs the image's name (e.g. $CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA), not a tarball path");
    const { SCAN_REPORT_FILES } = await import("#core/scan/report-files.js");
    return dag.file(SCAN_REPORT_FILES.gitlab, gitlab);
  }

  /** JUnit XML: one failing case per finding that fails the gate, for CI test views. */
  @func()
  async junit(): Promise<File> {
    const { SCAN_REPORT_FILES } = await import("#core/scan/report-files.js");
    return dag.file(SCAN_REPORT_FILES.junit, await this.output("junit"));
  }

  /** Fails, listing the findings that fail the gate, unless it passes. One call for a gate: dagger call scan-passes */
  @func()
  async check(): Promise<void> {
    const { gateFailureText } = await import("#core/scan/policy.js");
    const { verdict } = await this.judged();
    if (!verdict.passed) throw new Error(gateFailureText(verdict));
  }

  private async requireScanned(what: string): Promise<string> {
    if (!this.trivyJson) throw new Error(`${what}: nothing was scanned (${this.notScanned})`);
    return this.trivyJson;
  }

  private async judged(): Promise<{ report?: TrivyReport; verdict: GateVerdict }> {
    const { judgeScan } = await import("#core/scan/scan-state.js");
    return judgeScan(this);
  }

  private async outputsInput(options: { imageName?: string; sarifCategory?: string }) {
    const { report, verdict } = await this.judged();
    const { GANTRY_VERSION } = await import("#core/version.js");
    return {
      rawJson: this.trivyJson || undefined,
      report,
      verdict,
      imageName: options.imageName,
      startTime: new Date(this.scannedAt),
      endTime: new Date(this.finishedAt),
      analyzerVersion: GANTRY_VERSION,
      sarifCategory: options.sarifCategory,
    };
  }

  private async output<F extends ScanFormat>(format: F, options: { imageName?: string; sarifCategory?: string } = {}): Promise<ScanOutputs[F]> {
    const { renderScanOutput } = await import("#core/scan/outputs.js");
    return renderScanOutput(
      format,
      await this.outputsInput({ imageName: options.imageName ?? (this.imageName || undefined), sarifCategory: options.sarifCategory }),
    );
  }
}
