// What verify checked, as the policies read it: the join between the supply chain's verification
// (core/supply) and the policy input (attestations.ts).
import type { VerifiedAttestations as Verification } from "../supply/verified-attestations.js";
import type { SignerIdentity } from "../kube/config/types.js";
import { NOTHING_VERIFIED, type VerifiedAttestations } from "./attestations.js";

/**
 * Only what verify proved: a signature's signer when the signature verified, the provenance and scan
 * attestations when their signatures did. A failed verification tells the policies nothing.
 */
export function attestationsFromVerify(v: Verification): VerifiedAttestations {
  if (!v.verified) return NOTHING_VERIFIED;
  const signer: SignerIdentity[] = !v.signature
    ? []
    : v.trusted.kind === "key"
      ? [{ key: v.trusted.key }]
      : [{ issuer: v.trusted.issuer, subject: v.trusted.identity ?? v.trusted.identityRegexp ?? "" }];
  const { provenance: p, scan: s } = v;
  return {
    signatures: signer,
    ...(p ? { provenance: { builderId: p.builderId, repository: p.repository, commit: p.commit, config: p.pipeline.path } } : {}),
    ...(s ? { scan: { verdict: s.status, scannedAt: s.scannedAt, counts: s.counts, failing: s.failing } } : {}),
  };
}
