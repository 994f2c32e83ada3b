// The three attestations publish attaches to the pushed index digest, by cosign's `--type` name and
// the in-toto predicate type cosign writes for it (cosign 3.1.3, cmd/cosign/cli/options/predicate.go).

export const ATTESTATION_KINDS = ["sbom", "provenance", "scan"] as const;
export type AttestationKind = (typeof ATTESTATION_KINDS)[number];

export const PREDICATE_TYPES = {
  spdxjson: "https://spdx.dev/Document",
  cyclonedx: "https://cyclonedx.org/bom",
  slsaprovenance1: "https://slsa.dev/provenance/v1",
  vuln: "https://cosign.sigstore.dev/attestation/vuln/v1",
} as const;
export type CosignPredicateType = keyof typeof PREDICATE_TYPES;

/** The cosign type of the provenance and scan attestations (the SBOM's follows its format). */
export const PROVENANCE_TYPE: CosignPredicateType = "slsaprovenance1";
export const SCAN_TYPE: CosignPredicateType = "vuln";

/** Where the adapter writes each predicate inside the cosign container. */
export const PREDICATE_PATHS: Record<AttestationKind, string> = {
  sbom: "/work/attest/sbom.json",
  provenance: "/work/attest/provenance.json",
  scan: "/work/attest/scan.json",
};
