import { dag, func, object, type Directory, type File } from "@dagger.io/dagger";

import type { GateVerdict } from "#core/scan/gate.js";
import type { ScanState } from "#core/scan/scan-state.js";
import type { ScanFormat, ScanOutputs } from "#core/scan/outputs.js";
import type { TrivyReport } from "#core/scan/trivy-report.js";
import { Severity } from "./enums.js";

/**
 * A Trivy scan judged by Gantry's gate: counts, findings, and reports for people, GitHub and GitLab.
 * It holds the report as text, not as engine files, so a scan cached for a few minutes can be
 * continued from in a later `dagger call` (export the reports, then check) without running Trivy again.
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

  // Every @object constructor parameter's type becomes part of the module's API, so the
  // constructor takes nothing and the internal state comes in through a static factory.
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
  }

  static of(state: ScanState): ScanReport {
    return Object.assign(new ScanReport(), { ...state, trivyJson: state.trivyJson ?? "", notScanned: state.notScanned ?? "" });
  }

  /** Whether the gate passes. */
  @func()
  async passed(): Promise<boolean> {
    return (await this.judged()).verdict.passed;
  }

  /** Number of findings of one severity. Example: dagger call scan count --severity CRITICAL */
  @func()
  async count(
    /** The severity to count. */
    severity: Severity,
  ): Promise<number> {
    return (await this.judged()).verdict.counts[severity];
  }

  /** The findings that fail the gate, one line each, most severe first. */
  @func()
  async failing(): Promise<string[]> {
    const { failingLines } = await import("#core/scan/policy.js");
    return failingLines((await this.judged()).verdict);
  }

  /** A plain-text table of counts per severity and the gate's verdict. */
  @func()
  async summary(): Promise<string> {
    return await this.output("summary");
  }

  /** Markdown for a GitHub job summary or a GitLab merge request note. */
  @func()
  async markdown(): Promise<string> {
    return await this.output("markdown");
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

  /**
   * Every report of this one scan in a directory: trivy.json, trivy.sarif, gl-container-scanning-report.json
   * (with an image name), trivy-junit.xml, summary.md and summary.txt. Nothing runs Trivy again.
   * Example: dagger call scan reports --image-name ghcr.io/acme/api:1.2.3 export --path reports/scan
   */
  @func()
  async reports(
    /** The scanned image's name for the GitLab report and SARIF locations. */
    imageName = "",
    /** Code scanning category for the SARIF run. */
    category = "",
  ): Promise<Directory> {
    const { renderScanOutputs } = await import("#core/scan/outputs.js");
    const outputs = renderScanOutputs(await this.outputsInput({ imageName: imageName || this.imageName || undefined, sarifCategory: category || undefined }));
    const { reportDirectory } = await import("#dagger/report-directory.js");
    const { SCAN_REPORT_FILES: named } = await import("#core/scan/report-files.js");
    return reportDirectory({
      [named.summary]: outputs.summary,
      [named.markdown]: outputs.markdown,
      [named.junit]: outputs.junit,
      ...(outputs.json ? { [named.json]: outputs.json } : {}),
      ...(outputs.sarif ? { [named.sarif]: outputs.sarif.json } : {}),
      ...(outputs.gitlab ? { [named.gitlab]: outputs.gitlab } : {}),
    });
  }

  /** Fails, listing the findings that fail the gate, unless it passes; export the reports first. */
  @func()
  async check(): Promise<void> {
    const { failingLines } = await import("#core/scan/policy.js");
    const { verdict } = await this.judged();
    if (!verdict.passed) throw new Error([verdict.summary, ...failingLines(verdict).slice(0, 50)].join("\n"));
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
    return renderScanOutput(format, await this.outputsInput({ imageName: options.imageName ?? (this.imageName || undefined), sarifCategory: options.sarifCategory }));
  }
}
