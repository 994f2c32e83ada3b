// The scan attestation: Trivy's result summary and the gate's verdict, with the time of the scan, in
// cosign's vulnerability predicate (https://cosign.sigstore.dev/attestation/vuln/v1), so a deploy can
// trust a scan it did not run and judge its age. cosign reads the predicate into its own struct:
// only invocation, scanner (uri, version, db, result) and metadata (scanStartedOn, scanFinishedOn)
// survive, so everything Gantry adds lives under scanner.result.
import { GantryError } from "../errors.js";
import type { GateVerdict } from "../scan/gate.js";
import type { ScanState } from "../scan/scan-state.js";
import type { SeverityCounts } from "../scan/severity.js";
import type { TrivyReport } from "../scan/trivy-report.js";
import { canonicalJson } from "./canonical-json.js";

export const TRIVY_SCANNER_URI = "pkg:github/aquasecurity/trivy";

/** What Gantry puts in scanner.result, and what verify reads back. */
export interface ScanResultSummary {
  gate: {
    status: GateVerdict["status"];
    passed: boolean;
    summary: string;
    gatedSeverities: string[];
    ignoreUnfixed: boolean;
    /** How many findings fail the gate, and their ids (most severe first). */
    failing: number;
    failingIds: string[];
    failingCounts: SeverityCounts;
    allowed: number;
    notScannedReason?: string;
  };
  /** Every finding in the report, per severity. */
  counts: SeverityCounts;
  /** What Trivy scanned, as its report names it. */
  artifact?: string;
}

export interface ScanPredicate {
  invocation: { parameters: Record<string, unknown>; uri: string; event_id: string; "builder.id": string };
  scanner: { uri: string; version: string; db: { uri: string; version: string }; result: ScanResultSummary };
  metadata: { scanStartedOn: string; scanFinishedOn: string };
}

export interface ScanAttestationInput {
  state: ScanState;
  verdict: GateVerdict;
  report?: TrivyReport;
  builderId: string;
}

export function buildScanPredicate(input: ScanAttestationInput): ScanPredicate {
  const { state, verdict, report } = input;
  for (const [field, value] of [
    ["scannedAt", state.scannedAt],
    ["finishedAt", state.finishedAt],
  ] as const) {
    if (Number.isNaN(Date.parse(value))) throw new GantryError(`the scan's ${field} "${value}" is not a time; the scan attestation records when the scan ran`);
  }
  return {
    invocation: {
      parameters: {
        severities: [...state.severities],
        ignoreUnfixed: state.ignoreUnfixed,
        maxCounts: [...state.maxCounts],
        allowList: state.allowListName || undefined,
      },
      uri: "",
      event_id: "",
      "builder.id": input.builderId,
    },
    scanner: {
      uri: TRIVY_SCANNER_URI,
      version: report?.trivyVersion ?? "",
      db: { uri: "", version: "" },
      result: {
        gate: {
          status: verdict.status,
          passed: verdict.passed,
          summary: verdict.summary,
          gatedSeverities: [...verdict.gatedSeverities],
          ignoreUnfixed: verdict.ignoreUnfixed,
          failing: verdict.failing.length,
          failingIds: verdict.failing.map((f) => f.finding.id),
          failingCounts: verdict.failingCounts,
          allowed: verdict.allowed.length,
          notScannedReason: verdict.notScannedReason,
        },
        counts: verdict.counts,
        artifact: report?.artifactName,
      },
    },
    metadata: { scanStartedOn: rfc3339Seconds(state.scannedAt), scanFinishedOn: rfc3339Seconds(state.finishedAt) },
  };
}

export function scanPredicateJson(input: ScanAttestationInput): string {
  return canonicalJson(buildScanPredicate(input));
}

/** RFC 3339 in UTC to the second: what Go's time.Time writes back after cosign parses it. */
function rfc3339Seconds(iso: string): string {
  return new Date(Math.floor(Date.parse(iso) / 1000) * 1000).toISOString().replace(".000Z", "Z");
}
