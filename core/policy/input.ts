// The document the Rego policies read as `input`: everything a deploy is about to do and what is
// known of the image, built once by Gantry so that every policy sees the same facts.
import type { PolicyConfig, SignerIdentity } from "../kube/config/types.js";
import type { KubeObject } from "../kube/manifests/objects.js";
import type { ScanSummary, VerifiedAttestations } from "./attestations.js";

export interface PolicyInput {
  /** RFC 3339: when the policies are evaluated (ages are measured from it). */
  now: string;
  environment: string;
  /** The image being rolled out, pinned by digest. */
  image: string;
  release: { version?: string; commit?: string; ref?: string };
  /** The objects the deploy would apply, as Gantry renders them. */
  manifests: KubeObject[];
  attestations: VerifiedAttestations;
  /** The scan this call ran, else the verified scan attestation's; absent: no scan is known. */
  scan?: ScanSummary;
  /** What the environment's policy settings expect. */
  expect: { identity?: SignerIdentity; maxScanAgeDays: number };
}

export interface PolicyInputParts {
  now: Date;
  environment: string;
  image: string;
  release: PolicyInput["release"];
  manifests: KubeObject[];
  attestations: VerifiedAttestations;
  /** A scan run in this call, preferred over the attested one. */
  scan?: ScanSummary;
  policy: PolicyConfig;
}

export function policyInput(parts: PolicyInputParts): PolicyInput {
  const scan = parts.scan ?? parts.attestations.scan;
  const release = Object.fromEntries(Object.entries(parts.release).filter(([, v]) => v !== undefined && v !== ""));
  return {
    now: parts.now.toISOString(),
    environment: parts.environment,
    image: parts.image,
    release,
    manifests: parts.manifests,
    attestations: parts.attestations,
    ...(scan ? { scan } : {}),
    expect: { ...(parts.policy.identity ? { identity: parts.policy.identity } : {}), maxScanAgeDays: parts.policy.maxScanAgeDays },
  };
}
