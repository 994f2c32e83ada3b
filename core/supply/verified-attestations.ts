// What `verify` establishes about one image, as plain data: the input the deploy-time policies
// (OPA, issue 23 item 3) read as `input.attestations`. Every field comes from a signature or an
// attestation cosign verified against the trusted identity; nothing here is taken from the image
// or the registry unverified. Stable shape: add fields, do not rename them.
import type { SeverityCounts } from "../scan/severity.js";
import type { ResourceDescriptor } from "./provenance.js";

/** One check verify made, with why it failed. */
export interface VerifyCheck {
  /** "signature", "sbom", "provenance.repository", "provenance.ancestry", "provenance.pipeline", "scan.verdict", "scan.age", … */
  name: string;
  passed: boolean;
  /** What was found (passed) or why it failed, in a sentence. */
  detail: string;
}

export type TrustedIdentityFacts = { kind: "key"; key: string } | { kind: "keyless"; identity?: string; identityRegexp?: string; issuer: string };

export interface VerifiedSbom {
  predicateType: string;
  /** SPDX packages or CycloneDX components listed. */
  packages: number;
}

export interface VerifiedProvenance {
  predicateType: string;
  builderId: string;
  buildType: string;
  repository: string;
  ref?: string;
  commit: string;
  pipeline: { path: string; sha256: string };
  parameters: Record<string, unknown>;
  /** The source, the Go toolchain and every base image, by digest. */
  dependencies: ResourceDescriptor[];
}

export interface VerifiedScan {
  predicateType: string;
  status: "passed" | "failed" | "not-scanned";
  passed: boolean;
  summary: string;
  /** RFC 3339. */
  scannedAt: string;
  finishedAt: string;
  /** Seconds from the scan's end to the verification. */
  ageSeconds: number;
  counts: Partial<SeverityCounts>;
  failing: number;
  failingIds: string[];
  scanner: { uri: string; version: string };
}

export interface VerifiedAttestations {
  /** True when every check passed. */
  verified: boolean;
  image: { repository: string; digest: string };
  trusted: TrustedIdentityFacts;
  /** When verify ran (RFC 3339). */
  verifiedAt: string;
  signature: boolean;
  sbom?: VerifiedSbom;
  provenance?: VerifiedProvenance;
  scan?: VerifiedScan;
  checks: VerifyCheck[];
  /** The failed checks' details, in order: what a failed deploy prints. */
  reasons: string[];
}
