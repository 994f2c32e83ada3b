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

export interface SignOptions {
  /** The pushed image, with its digest: ghcr.io/acme/app@sha256:… (a tag alongside is dropped). */
  reference: string;
  /** Key file inside the tool container, or a KMS URI (awskms://, gcpkms://, azurekms://, hashivault://, k8s://). */
  keyPath?: string;
  /** Whether the key has a password secret (set as COSIGN_PASSWORD). */
  hasPassword: boolean;
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

/** `cosign attest` attaching an SBOM to the image digest. */
export function planAttest(options: AttestOptions): ToolRun {
  const format = validateSbomFormat(options.format);
  return cosign(options, ["attest", "--type", ATTESTATION_TYPES[format], "--predicate", cleanAbsolutePath(options.predicate, "predicate", "/work/sbom.spdx.json")]);
}

function cosign(options: SignOptions, command: string[]): ToolRun {
  const target = digestReference(options.reference);
  const key = signingKey(options.keyPath ?? COSIGN_KEY_PATH);
  // cosign 3 refuses --tlog-upload=false unless it also stops using the TUF signing config.
  const tlog = options.tlogUpload === false ? ["--use-signing-config=false", "--tlog-upload=false"] : [];
  return {
    tool: "cosign",
    image: toolImage(options.image ?? COSIGN_IMAGE, "cosignImage"),
    args: [...command, "--yes", "--key", key, ...tlog, target],
    // An empty password is how cosign is told a key has none, instead of prompting on a missing TTY.
    env: options.hasPassword ? {} : { [COSIGN_PASSWORD_ENV]: "" },
    secretEnv: options.hasPassword ? [COSIGN_PASSWORD_ENV] : [],
  };
}

function digestReference(reference: string): string {
  const ref = parseImageReference(reference, "reference");
  if (ref.digest === undefined) {
    throw new ArgumentError("reference", `"${reference}" has no digest; sign the pushed digest (repository@sha256:…) so the signature covers exactly that image, not whatever a tag points to later`);
  }
  return `${imageName(ref)}@${ref.digest}`;
}

function signingKey(key: string): string {
  return KMS_KEY.test(key) ? key : cleanAbsolutePath(key, "keyPath", COSIGN_KEY_PATH);
}
