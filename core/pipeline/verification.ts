// What a deploy (or `verify`) checks an image against, resolved from the pipeline file: the
// environment's `verify` over publish's defaults. The load-time rules (attestation-rules.ts) have
// already refused a file where this could not be resolved.
import { GantryError } from "../errors.js";
import { sbomAttestationType } from "../image/sign.js";
import { DEFAULT_MAX_SCAN_AGE, type VerifyOptions } from "../supply/settings.js";
import type { TrustedIdentityFacts } from "../supply/verified-attestations.js";
import { parseDurationMs } from "../duration.js";
import { verifiesImage } from "./attestation-rules.js";
import type { Pipeline } from "./schema.js";

export interface VerifySettings {
  trusted: TrustedIdentityFacts;
  /** The public key's path in the repository, when the key is a file (not a KMS URI). */
  keyFile?: string;
  /** Whether signatures are in Rekor (publish.tlogUpload): without it verify skips the log. */
  tlog: boolean;
  builderIds: string[];
  maxScanAgeMs: number;
  repository: string;
  pipelinePath: string;
  /** The SBOM attestation's cosign type. */
  sbomType: string;
}

export type Verification = { verify: false; why: string } | { verify: true; settings: VerifySettings };

const KMS = /^(?:awskms|gcpkms|azurekms|hashivault|k8s):\/\//;

/**
 * How images are verified: for a deploy to `environment`, or (no environment) for `verify` itself,
 * which always verifies with publish's defaults overridden by `overrides`.
 */
export function verificationFor(pipeline: Pipeline, pipelinePath: string, environment?: string): Verification {
  const verify = environment === undefined ? true : pipeline.environments[environment]?.verify;
  if (environment !== undefined) {
    if (!(environment in pipeline.environments)) throw new GantryError(`${pipelinePath}: no environment "${environment}"`);
    if (!verifiesImage(pipeline.publish, verify)) {
      return {
        verify: false,
        why: verify === false ? `environments.${environment}.verify is false` : "publish.attest is off and the environment sets no verify",
      };
    }
  }
  const v: Partial<VerifyOptions> = typeof verify === "object" ? verify : {};
  const where = environment === undefined ? "publish" : `environments.${environment}.verify`;
  let trusted: TrustedIdentityFacts;
  if (v.issuer) {
    trusted = { kind: "keyless", identity: v.identity, identityRegexp: v.identityRegexp, issuer: v.issuer };
  } else {
    const key = v.key ?? pipeline.publish.publicKey;
    if (!key)
      throw new GantryError(
        `${pipelinePath}: ${where}: nothing says whom to trust; set publish.publicKey (e.g. cosign.pub), or verify.key, or verify.identity and issuer`,
      );
    trusted = { kind: "key", key };
  }
  return {
    verify: true,
    settings: {
      trusted,
      keyFile: trusted.kind === "key" && !KMS.test(trusted.key) ? trusted.key : undefined,
      tlog: pipeline.publish.tlogUpload,
      builderIds: v.builderIds ?? [pipeline.publish.builderId],
      maxScanAgeMs: parseDurationMs(v.maxScanAge ?? DEFAULT_MAX_SCAN_AGE)!,
      repository: pipeline.image.sourceUrl,
      pipelinePath,
      sbomType: sbomAttestationType(pipeline.image.sbomFormat),
    },
  };
}
