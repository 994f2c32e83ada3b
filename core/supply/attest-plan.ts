// The cosign runs that attach publish's three attestations to the pushed index digest: the SBOM
// (in its format's predicate type), the SLSA provenance v1 and the scan (cosign's vuln type). Each
// is signed the way the image is (a key by secret reference, or keyless in CI) and pushed next to
// the image by cosign itself.
import { planAttestation, sbomAttestationType, type SignOptions } from "../image/sign.js";
import type { ToolRun } from "../image/tool-run.js";
import { PREDICATE_PATHS, PROVENANCE_TYPE, SCAN_TYPE, type AttestationKind } from "./predicate-types.js";

export interface AttestationRun {
  kind: AttestationKind;
  /** Where the adapter writes the predicate before cosign runs. */
  predicatePath: string;
  run: ToolRun;
}

export function planAttestations(signing: SignOptions, sbomFormat: string): AttestationRun[] {
  const types: Record<AttestationKind, string> = { sbom: sbomAttestationType(sbomFormat), provenance: PROVENANCE_TYPE, scan: SCAN_TYPE };
  return (Object.keys(types) as AttestationKind[]).map((kind) => ({
    kind,
    predicatePath: PREDICATE_PATHS[kind],
    run: planAttestation({ ...signing, predicate: PREDICATE_PATHS[kind], type: types[kind] }),
  }));
}
