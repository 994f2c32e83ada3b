import { evaluateGate, notScannedVerdict, type GateVerdict } from "./gate.js";
import { scanPolicy } from "./policy.js";
import { SCAN_REPORT_FILES } from "./report-files.js";
import { parseTrivyReport, type TrivyReport } from "./trivy-report.js";

/**
 * What a scan leaves behind, as plain data: Trivy's report as text and the gate settings it is judged
 * by. The scan adapter returns it; the Dagger surface wraps it in its ScanReport object, and the
 * pipeline runner judges it directly.
 */
export interface ScanState {
  /** Trivy's JSON report; absent or empty when the scan could not run and failOpen let it pass. */
  trivyJson?: string;
  /** Why nothing was scanned (failOpen only). */
  notScanned?: string;
  severities: string[];
  ignoreUnfixed: boolean;
  maxCounts: string[];
  allowListName: string;
  allowListText: string;
  /** When the scan started (ISO 8601); allow-list expiry is judged at this time. */
  scannedAt: string;
  finishedAt: string;
  /** Image name for the GitLab report and SARIF locations. */
  imageName: string;
}

/** The gate's verdict on a scan, with Trivy's parsed report when something was scanned. */
export function judgeScan(state: ScanState): { report?: TrivyReport; verdict: GateVerdict } {
  const policy = scanPolicy({
    severities: state.severities.join(","),
    ignoreUnfixed: state.ignoreUnfixed,
    maxCounts: state.maxCounts,
    allowList: state.allowListName ? { name: state.allowListName, text: state.allowListText } : undefined,
    now: state.scannedAt,
  });
  if (!state.trivyJson) return { verdict: notScannedVerdict(state.notScanned ?? "", policy) };
  const report = parseTrivyReport(state.trivyJson, SCAN_REPORT_FILES.json);
  return { report, verdict: evaluateGate(report, policy) };
}
