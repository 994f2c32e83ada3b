import { ArgumentError } from "../errors.js";
import { cleanAbsolutePath } from "./paths.js";
import { imageName, parseImageReference } from "./reference.js";
import { validateSbomFormat, type SbomFormat } from "./sbom.js";
import { toolImage, type ToolRun } from "./tool-run.js";

/** Pinned by tag; the flags below are those of cosign 3. */
export const COSIGN_IMAGE = "ghcr.io/sigstore/cosign/cosign:v3.1.3";
/** Where the Dagger layer mounts the private key secret unless told otherwise. */
export const COSIGN_KEY_PATH = "/run/secrets/cosign.key";
export const COSIGN_PASSWORD_ENV = "COSIGN_PASSWORD";

const KMS_KEY = /^(?:awskms|gcpkms|azurekms|hashivault|k8s):\/\/\S+$/;

/**
 * Keyless signing: a short-lived Fulcio certificate for the CI job's OIDC identity. GitHub Actions
 * hands cosign a token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN, with `permissions: id-token:
 * write`); GitLab an id token (`id_tokens: SIGSTORE_ID_TOKEN: {aud: sigstore}`), read by cosign's
 * envvar provider. The variables are secrets: the core names them, the Dagger layer fills them.
 */
export const KEYLESS_PROVIDERS = ["github-actions", "gitlab"] as const;
export type KeylessProvider = (typeof KEYLESS_PROVIDERS)[number];
export const KEYLESS_TOKEN_ENV: Record<KeylessProvider, string[]> = {
  "github-actions": ["ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"],
  gitlab: ["SIGSTORE_ID_TOKEN"],
};
const OIDC_PROVIDER: Record<KeylessProvider, string> = { "github-actions": "github-actions", gitlab: "envvar" };

export interface SignOptions {
  /** The pushed image, with its digest: ghcr.io/acme/app@sha256:… (a tag alongside is dropped). */
  reference: string;
  /** Key file inside the tool container, or a KMS URI (awskms://, gcpkms://, azurekms://, hashivault://, k8s://). */
  keyPath?: string;
  /** Whether the key has a password secret (set as COSIGN_PASSWORD). */
  hasPassword: boolean;
  /** Sign keyless with this CI's OIDC identity instead of a key. */
  keyless?: KeylessProvider;
  /** Record the signature in the public Rekor log; default true. Turn off for private images. */
  tlogUpload?: boolean;
  /** Replaces COSIGN_IMAGE, e.g. with a mirror. */
  image?: string;
}

export interface AttestOptions extends SignOptions {
  /** SBOM file inside the tool container. */
  predicate: string;
  /** Format of the predicate: spdx-json or cyclonedx-json. */
  format: string;
}

const ATTESTATION_TYPES: Record<SbomFormat, string> = { "spdx-json": "spdxjson", "cyclonedx-json": "cyclonedx" };

/** Rule: an SBOM is attached as a signed attestation, so attaching one needs a signing key. */
export function validateSigning(options: { attachSbom: boolean; hasKey: boolean }): void {
  if (options.attachSbom && !options.hasKey) {
    throw new ArgumentError("attachSbom", "an SBOM is attached as a signed attestation; pass --cosign-key as well, or drop --attach-sbom");
  }
}

/** `cosign sign` by digest, never by tag: a tag can move after signing, a digest cannot. */
export function planSign(options: SignOptions): ToolRun {
  return cosign(options, ["sign"]);
}

/** The cosign name of an SBOM format's predicate type (`--type`). */
export function sbomAttestationType(format: string): string {
  return ATTESTATION_TYPES[validateSbomFormat(format)];
}

/** `cosign attest` attaching an SBOM to the image digest. */
export function planAttest(options: AttestOptions): ToolRun {
  return planAttestation({ ...options, type: sbomAttestationType(options.format) });
}

/** `cosign attest --type <type> --predicate <file>`: any in-toto predicate, signed and pushed next to the digest. */
export function planAttestation(options: SignOptions & { predicate: string; type: string }): ToolRun {
  return cosign(options, ["attest", "--type", options.type, "--predicate", cleanAbsolutePath(options.predicate, "predicate", "/work/sbom.spdx.json")]);
}

function cosign(options: SignOptions, command: string[]): ToolRun {
  const target = digestReference(options.reference);
  const image = toolImage(options.image ?? COSIGN_IMAGE, "cosignImage");
  if (options.keyless) {
    if (options.tlogUpload === false) {
      throw new ArgumentError(
        "tlogUpload",
        "a keyless signature is checked through the transparency log (its certificate lives ten minutes); keep tlogUpload, or sign with a key",
      );
    }
    return {
      tool: "cosign",
      image,
      args: [...command, "--yes", "--oidc-provider", OIDC_PROVIDER[options.keyless], target],
      env: {},
      secretEnv: [...KEYLESS_TOKEN_ENV[options.keyless]],
    };
  }
  const key = signingKey(options.keyPath ?? COSIGN_KEY_PATH);
  // cosign 3 refuses --tlog-upload=false unless it also stops using the TUF signing config.
  const tlog = options.tlogUpload === false ? ["--use-signing-config=false", "--tlog-upload=false"] : [];
  return {
    tool: "cosign",
    image,
    args: [...command, "--yes", "--key", key, ...tlog, target],
    // An empty password is how cosign is told a key has none, instead of prompting on a missing TTY.
    env: options.hasPassword ? {} : { [COSIGN_PASSWORD_ENV]: "" },
    secretEnv: options.hasPassword ? [COSIGN_PASSWORD_ENV] : [],
  };
}

export function digestReference(reference: string): string {
  const ref = parseImageReference(reference, "reference");
  if (ref.digest === undefined) {
    throw new ArgumentError(
      "reference",
      `"${reference}" has no digest; sign the pushed digest (repository@sha256:…) so the signature covers exactly that image, not whatever a tag points to later`,
    );
  }
  return `${imageName(ref)}@${ref.digest}`;
}

function signingKey(key: string): string {
  return KMS_KEY.test(key) ? key : cleanAbsolutePath(key, "keyPath", COSIGN_KEY_PATH);
}
