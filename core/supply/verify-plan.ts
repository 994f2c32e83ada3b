// The cosign runs `verify` makes against an image digest: the signature, then each attestation by
// its predicate type, all against one trusted identity (a public key, or a keyless certificate
// identity and issuer). Without a transparency log (tlog: false) the Rekor inclusion proof is not
// required (`--insecure-ignore-tlog`): the key alone vouches for the signature.
import { ArgumentError } from "../errors.js";
import { cleanAbsolutePath } from "../image/paths.js";
import { COSIGN_IMAGE, digestReference } from "../image/sign.js";
import { toolImage, type ToolRun } from "../image/tool-run.js";
import { PROVENANCE_TYPE, SCAN_TYPE, type AttestationKind } from "./predicate-types.js";

/** Where the adapter mounts the public key in the cosign container. */
export const COSIGN_PUBLIC_KEY_PATH = "/work/cosign.pub";

const KMS_KEY = /^(?:awskms|gcpkms|azurekms|hashivault|k8s):\/\/\S+$/;

export type TrustedIdentity =
  | { kind: "key"; /** A public key file in the cosign container, or a KMS URI. */ key: string }
  | { kind: "keyless"; identity?: string; identityRegexp?: string; issuer: string };

export interface VerifyPlanOptions {
  /** repository@sha256:… */
  reference: string;
  trusted: TrustedIdentity;
  /** Whether signatures were recorded in Rekor and must be found there. */
  tlog: boolean;
  image?: string;
  /** The SBOM's cosign type (spdxjson or cyclonedx). */
  sbomType: string;
}

export interface VerifyRuns {
  signature: ToolRun;
  attestations: Record<AttestationKind, ToolRun>;
}

export function planVerify(options: VerifyPlanOptions): VerifyRuns {
  const target = digestReference(options.reference);
  const image = toolImage(options.image ?? COSIGN_IMAGE, "cosignImage");
  const trust = trustFlags(options.trusted);
  const tlog = options.tlog ? [] : ["--insecure-ignore-tlog"];
  const run = (args: string[]): ToolRun => ({ tool: "cosign", image, args: [...args, ...trust, ...tlog, target], env: {}, secretEnv: [] });
  const attestation = (type: string) => run(["verify-attestation", "--type", type]);
  return {
    signature: run(["verify"]),
    attestations: { sbom: attestation(options.sbomType), provenance: attestation(PROVENANCE_TYPE), scan: attestation(SCAN_TYPE) },
  };
}

function trustFlags(trusted: TrustedIdentity): string[] {
  if (trusted.kind === "key") {
    return ["--key", KMS_KEY.test(trusted.key) ? trusted.key : cleanAbsolutePath(trusted.key, "key", COSIGN_PUBLIC_KEY_PATH)];
  }
  if (!trusted.identity === !trusted.identityRegexp) {
    throw new ArgumentError(
      "identity",
      "a keyless signature is trusted for one certificate identity: give identity or identityRegexp (exactly one), with issuer",
    );
  }
  return [
    ...(trusted.identity ? ["--certificate-identity", trusted.identity] : ["--certificate-identity-regexp", trusted.identityRegexp!]),
    "--certificate-oidc-issuer",
    trusted.issuer,
  ];
}
