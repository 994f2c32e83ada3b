import type { GateVerdict } from "./gate.js";
import { toGitLabContainerScanning } from "./gitlab.js";
import { toJUnit } from "./junit.js";
import { toMarkdown } from "./markdown.js";
import { type SarifConversion, toSarif } from "./sarif.js";
import { summaryText } from "./summary.js";
import type { TrivyReport } from "./trivy-report.js";

export interface ScanOutputsInput {
  /** Trivy's JSON as written, passed through unchanged; absent when the scan did not run. */
  rawJson?: string;
  report?: TrivyReport;
  verdict: GateVerdict;
  /** The image's published name: enables the GitLab report and stable SARIF locations. */
  imageName?: string;
  startTime: Date;
  endTime: Date;
  /** Gantry's version, for the GitLab report's analyzer. */
  analyzerVersion: string;
  /** GitHub code-scanning category. */
  sarifCategory?: string;
  /** Rows in the Markdown tables. */
  markdownRows?: number;
}

export interface ScanOutputs {
  /** Trivy's own JSON. */
  json?: string;
  summary: string;
  markdown: string;
  junit: string;
  /** Absent when nothing was scanned: an empty SARIF upload would close every open alert. */
  sarif?: SarifConversion;
  /** GitLab container-scanning report; needs imageName and a scan. */
  gitlab?: string;
}

/** Every report of one scan, from the parsed JSON and the gate's verdict. */
export function renderScanOutputs(input: ScanOutputsInput): ScanOutputs {
  const { report, verdict } = input;
  const durationSeconds = (input.endTime.getTime() - input.startTime.getTime()) / 1000;
  const outputs: ScanOutputs = {
    json: input.rawJson,
    summary: summaryText(report, verdict),
    markdown: toMarkdown(report, verdict, { maxRows: input.markdownRows }),
    junit: toJUnit(report, verdict, { durationSeconds, timestamp: input.startTime.toISOString() }),
  };
  if (report && verdict.status !== "not-scanned") {
    outputs.sarif = toSarif(report, { imageName: input.imageName, category: input.sarifCategory });
    if (input.imageName) {
      const gitlab = toGitLabContainerScanning(report, {
        imageName: input.imageName,
        startTime: input.startTime,
        endTime: input.endTime,
        analyzerVersion: input.analyzerVersion,
      });
      outputs.gitlab = JSON.stringify(gitlab, null, 2);
    }
  }
  return outputs;
}
