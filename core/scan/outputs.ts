import type { GateVerdict } from "./gate.js";
import { toGitLabContainerScanningJson } from "./gitlab.js";
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
  /** The image's published name: names what was scanned in every report, enables the GitLab report and stable SARIF locations. */
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

export type ScanFormat = "summary" | "markdown" | "junit" | "sarif" | "gitlab";

/** One report of a scan; SARIF and GitLab are absent when nothing was scanned (GitLab also without an image name). */
export function renderScanOutput<F extends ScanFormat>(format: F, input: ScanOutputsInput): ScanOutputs[F] {
  return RENDERERS[format](input) as ScanOutputs[F];
}

/** Every report of one scan, from the parsed JSON and the gate's verdict. */
export function renderScanOutputs(input: ScanOutputsInput): ScanOutputs {
  const outputs: ScanOutputs = {
    json: input.rawJson,
    summary: renderScanOutput("summary", input),
    markdown: renderScanOutput("markdown", input),
    junit: renderScanOutput("junit", input),
  };
  const sarif = renderScanOutput("sarif", input);
  const gitlab = renderScanOutput("gitlab", input);
  if (sarif) outputs.sarif = sarif;
  if (gitlab) outputs.gitlab = gitlab;
  return outputs;
}

const scanned = (input: ScanOutputsInput) => (input.report && input.verdict.status !== "not-scanned" ? input.report : undefined);

const RENDERERS: { [F in ScanFormat]: (input: ScanOutputsInput) => ScanOutputs[F] } = {
  summary: (input) => summaryText(input.report, input.verdict, input.imageName),
  markdown: (input) => toMarkdown(input.report, input.verdict, { maxRows: input.markdownRows, imageName: input.imageName }),
  junit: (input) =>
    toJUnit(input.report, input.verdict, {
      durationSeconds: (input.endTime.getTime() - input.startTime.getTime()) / 1000,
      timestamp: input.startTime.toISOString(),
      imageName: input.imageName,
    }),
  sarif: (input) => {
    const report = scanned(input);
    return report && toSarif(report, { imageName: input.imageName, category: input.sarifCategory });
  },
  gitlab: (input) => {
    const report = scanned(input);
    if (!report || !input.imageName) return undefined;
    return toGitLabContainerScanningJson(report, {
      imageName: input.imageName,
      startTime: input.startTime,
      endTime: input.endTime,
      analyzerVersion: input.analyzerVersion,
    });
  },
};
