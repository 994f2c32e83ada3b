import { GATE_FILE, gateFileText } from "../report/gate-file.js";
import type { GateVerdict } from "./gate.js";
import type { ScanOutputs } from "./outputs.js";
import { gateFailureText } from "./policy.js";

/** The file name of each report of one scan, in its reports directory and as a single file. */
export const SCAN_REPORT_FILES = {
  json: "trivy.json",
  sarif: "trivy.sarif",
  gitlab: "gl-container-scanning-report.json",
  junit: "trivy-junit.xml",
  markdown: "summary.md",
  summary: "summary.txt",
  gate: GATE_FILE,
} as const;

/** The reports directory of one scan, file by file: what was rendered, and the gate's verdict. */
export function scanReportFiles(outputs: ScanOutputs, verdict: GateVerdict): Record<string, string> {
  return {
    [SCAN_REPORT_FILES.summary]: outputs.summary,
    [SCAN_REPORT_FILES.markdown]: outputs.markdown,
    [SCAN_REPORT_FILES.junit]: outputs.junit,
    ...(outputs.json ? { [SCAN_REPORT_FILES.json]: outputs.json } : {}),
    ...(outputs.sarif ? { [SCAN_REPORT_FILES.sarif]: outputs.sarif.json } : {}),
    ...(outputs.gitlab ? { [SCAN_REPORT_FILES.gitlab]: outputs.gitlab } : {}),
    [SCAN_REPORT_FILES.gate]: gateFileText(verdict.passed, verdict.passed ? "" : gateFailureText(verdict)),
  };
}
