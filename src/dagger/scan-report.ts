import { dag, func, object, type File } from "@dagger.io/dagger";

import { GantryError } from "../core/errors.js";
import { evaluateGate, notScannedVerdict, type GateVerdict } from "../core/scan/gate.js";
import { renderScanOutput, type ScanFormat, type ScanOutputs } from "../core/scan/outputs.js";
import { failingLines, scanPolicy } from "../core/scan/policy.js";
import { parseSeverity } from "../core/scan/severity.js";
import { parseTrivyReport, type TrivyReport } from "../core/scan/trivy-report.js";
import { GANTRY_VERSION } from "../core/version.js";

/** What a scan leaves behind for its report; internal, so it never appears in the module's API. */
export interface ScanReportState {
  json?: File;
  notScanned?: string;
  severities: string;
  ignoreUnfixed: boolean;
  maxCounts: string[];
  allowListName: string;
  allowListText: string;
  scannedAt: string;
  finishedAt: string;
  imageName: string;
}

/** A Trivy scan judged by Gantry's gate: counts, findings, and reports for people, GitHub and GitLab. */
@object()
export class ScanReport {
  /** Trivy's JSON report; absent when the scan could not run and --fail-open let it pass. */
  trivyJson?: File;
  /** Why nothing was scanned (fail-open only). */
  @func()
  notScanned: string;
  severities: string;
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
    this.notScanned = "";
    this.severities = "";
    this.ignoreUnfixed = false;
    this.maxCounts = [];
    this.allowListName = "";
    this.allowListText = "";
    this.scannedAt = "";
    this.finishedAt = "";
    this.imageName = "";
  }

  static of(state: ScanReportState): ScanReport {
    const report = new ScanReport();
    report.trivyJson = state.json;
    report.notScanned = state.notScanned ?? "";
    report.severities = state.severities;
    report.ignoreUnfixed = state.ignoreUnfixed;
    report.maxCounts = state.maxCounts;
    report.allowListName = state.allowListName;
    report.allowListText = state.allowListText;
    report.scannedAt = state.scannedAt;
    report.finishedAt = state.finishedAt;
    report.imageName = state.imageName;
    return report;
  }

  /** Whether the gate passes. */
  @func()
  async passed(): Promise<boolean> {
    return (await this.judged()).verdict.passed;
  }

  /** Number of findings of one severity: CRITICAL, HIGH, MEDIUM, LOW or UNKNOWN. */
  @func()
  async count(
    /** CRITICAL, HIGH, MEDIUM, LOW or UNKNOWN (any case). */
    severity: string,
  ): Promise<number> {
    return (await this.judged()).verdict.counts[parseSeverity(severity, "severity")];
  }

  /** The findings that fail the gate, one line each, most severe first. */
  @func()
  async failing(): Promise<string[]> {
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
  json(): File {
    if (!this.trivyJson) throw new GantryError(`no Trivy report: nothing was scanned (${this.notScanned})`);
    return this.trivyJson;
  }

  /** SARIF 2.1.0 for GitHub code scanning, within its upload limits (cuts are recorded in the run's properties). */
  @func()
  async sarif(
    /** Code scanning category, to keep several scans of one commit apart. */
    category = "",
  ): Promise<File> {
    const sarif = await this.output("sarif", { sarifCategory: category || undefined });
    if (!sarif) throw new GantryError(`no SARIF: nothing was scanned (${this.notScanned}); an empty upload would close every open alert`);
    return dag.file("trivy.sarif", sarif.json);
  }

  /** The GitLab container-scanning report (artifacts:reports:container_scanning). */
  @func()
  async gitlab(
    /** The scanned image's name as GitLab should show it, e.g. $CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA. */
    imageName = "",
  ): Promise<File> {
    const gitlab = await this.output("gitlab", { imageName: imageName || this.imageName || undefined });
    if (!gitlab) {
      throw new GantryError(this.trivyJson ? "--image-name: the GitLab report needs the image's name (e.g. $CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA), not a tarball path" : `no GitLab report: nothing was scanned (${this.notScanned})`);
    }
    return dag.file("gl-container-scanning-report.json", gitlab);
  }

  /** JUnit XML: one failing case per finding that fails the gate, for CI test views. */
  @func()
  async junit(): Promise<File> {
    return dag.file("trivy-junit.xml", await this.output("junit"));
  }

  /** Fails, listing the findings that fail the gate, unless it passes; export reports before calling it. */
  @func()
  async check(): Promise<void> {
    const { verdict } = await this.judged();
    if (!verdict.passed) throw new GantryError([verdict.summary, ...failingLines(verdict).slice(0, 50)].join("\n"));
  }

  private async judged(): Promise<{ report?: TrivyReport; raw?: string; verdict: GateVerdict }> {
    const policy = scanPolicy({
      severities: this.severities,
      ignoreUnfixed: this.ignoreUnfixed,
      maxCounts: this.maxCounts,
      allowList: this.allowListName ? { name: this.allowListName, text: this.allowListText } : undefined,
      now: this.scannedAt,
    });
    if (!this.trivyJson) return { verdict: notScannedVerdict(this.notScanned, policy) };
    const raw = await this.trivyJson.contents();
    const report = parseTrivyReport(raw, "trivy.json");
    return { report, raw, verdict: evaluateGate(report, policy) };
  }

  private async output<F extends ScanFormat>(format: F, options: { imageName?: string; sarifCategory?: string } = {}): Promise<ScanOutputs[F]> {
    const { report, raw, verdict } = await this.judged();
    return renderScanOutput(format, {
      rawJson: raw,
      report,
      verdict,
      imageName: options.imageName ?? (this.imageName || undefined),
      startTime: new Date(this.scannedAt),
      endTime: new Date(this.finishedAt),
      analyzerVersion: GANTRY_VERSION,
      sarifCategory: options.sarifCategory,
    });
  }
}
