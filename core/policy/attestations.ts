// What the policies are told about the image's origin: the part of verify's result
// (core/supply/verified-attestations.ts) they read, mapped by from-verify.ts before a deploy.
import type { SignerIdentity } from "../kube/config/types.js";
import type { Severity } from "../scan/severity.js";

/** A scan's result as the gate judged it: from this call's scan, or from a verified scan attestation. */
export interface ScanSummary {
  verdict: "passed" | "failed" | "not-scanned";
  /** RFC 3339: when Trivy ran. */
  scannedAt: string;
  /** Findings per severity. */
  counts: Partial<Record<Severity, number>>;
  /** Findings that failed the gate. */
  failing: number;
}

/** The in-toto SLSA provenance, as far as the policies read it. */
export interface ProvenanceSummary {
  builderId: string;
  /** The source repository the image was built from. */
  repository: string;
  commit: string;
  /** The pipeline file that configured the build. */
  config: string;
}

/** The image's attestations whose signatures verify checked; anything it could not verify is left out. */
export interface VerifiedAttestations {
  /** Every identity a verified signature of the image digest belongs to; empty: unsigned (or none verified). */
  signatures: SignerIdentity[];
  provenance?: ProvenanceSummary;
  scan?: ScanSummary;
}

/** Nothing verified: what the policies see before verify ran, or when the image carries nothing. */
export const NOTHING_VERIFIED: VerifiedAttestations = { signatures: [] };
