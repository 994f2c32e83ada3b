// The pipeline file's settings for attestations and verification, as zod schemas the pipeline
// schema embeds (publish.* and environments.<name>.verify), so their errors carry file:line:column.
import { z } from "zod";

import { parseDurationMs } from "../duration.js";
import { KEYLESS_PROVIDERS } from "../image/sign.js";
import { DEFAULT_BUILDER_ID } from "./provenance.js";

export const DEFAULT_MAX_SCAN_AGE = "168h";

const duration = z.string().refine((text) => (parseDurationMs(text) ?? 0) > 0, "expected a positive Go duration such as 24h or 168h (7 days)");
const keyRef = z
  .string()
  .regex(
    /^(?:(?:awskms|gcpkms|azurekms|hashivault|k8s):\/\/\S+|[^\s:][^\s]*)$/,
    "expected a public key file in the repository (cosign.pub) or a KMS URI (awskms://…, gcpkms://…, hashivault://…)",
  );

/** Added to publishSchema: what publish attaches and how it signs without a key. */
export const publishAttestFields = {
  attest: z
    .boolean()
    .default(false)
    .describe(
      "Attach SBOM, SLSA provenance v1 and scan attestations to the pushed digest, signed like the image (needs cosignKey or keyless, and image.sourceUrl).",
    ),
  keyless: z
    .enum(KEYLESS_PROVIDERS)
    .optional()
    .describe(
      "Sign keyless with the CI job's OIDC identity (github-actions: id-token: write; gitlab: an id_tokens SIGSTORE_ID_TOKEN with aud sigstore) instead of cosignKey.",
    ),
  builderId: z
    .string()
    .min(1)
    .default(DEFAULT_BUILDER_ID)
    .describe("The provenance's builder id: who ran the build (a reusable workflow's URI claims SLSA Build L3)."),
  publicKey: keyRef
    .optional()
    .describe("The public key of cosignKey (a file in the repository such as cosign.pub, or a KMS URI): what deploys verify against by default."),
};

export const verifySchema = z
  .union([
    z.boolean(),
    z.strictObject({
      key: keyRef.optional().describe("The public key to trust: a file in the repository (cosign.pub) or a KMS URI. Default: publish.publicKey."),
      identity: z
        .string()
        .min(1)
        .optional()
        .describe("Keyless: the certificate identity to trust, e.g. https://github.com/acme/api/.github/workflows/release.yml@refs/heads/main."),
      identityRegexp: z.string().min(1).optional().describe("Keyless: a regular expression the certificate identity must match (instead of identity)."),
      issuer: z.string().min(1).optional().describe("Keyless: the OIDC issuer, e.g. https://token.actions.githubusercontent.com or https://gitlab.com."),
      builderIds: z.array(z.string().min(1)).min(1).optional().describe("Builder ids trusted to have built the image. Default: publish.builderId."),
      maxScanAge: duration.default(DEFAULT_MAX_SCAN_AGE).describe("How old the scan attestation may be (a Go duration). Default 168h, 7 days."),
    }),
  ])
  .optional()
  .describe(
    "Check the image before deploying it: signature, provenance (this repository, this commit's history, this pipeline), scan verdict and age. false skips it; default: on when publish.attest is.",
  );

export type VerifyConfig = z.output<typeof verifySchema>;
/** The object form of `verify`. */
export type VerifyOptions = Exclude<VerifyConfig, boolean | undefined>;
