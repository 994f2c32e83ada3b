// What a pipeline run tells a deploy's policies: the scans it ran before the deploy.
import type { ScanSummary } from "../policy/attestations.js";
import type { StageOutput } from "./outputs.js";

/**
 * The scan the policies judge, from the outputs of the stages run before the deploy: a failed one
 * when any failed, else the oldest (every scan must be recent). Scans without a time are left out.
 */
export function scanEvidence(outputs: readonly (StageOutput | undefined)[]): { scan?: ScanSummary } {
  const scans = outputs
    .flatMap((o) => (o?.kind === "scan" && o.scannedAt ? [{ verdict: o.verdict, scannedAt: o.scannedAt, counts: o.counts, failing: o.failing }] : []))
    .sort((a, b) => Number(a.verdict === "passed") - Number(b.verdict === "passed") || Date.parse(a.scannedAt) - Date.parse(b.scannedAt));
  return scans[0] ? { scan: scans[0] } : {};
}
