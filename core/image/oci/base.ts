import { GantryError } from "../../errors.js";
import { parsePlatform } from "../../go/platform.js";
import type { ImagePlatform } from "../platforms.js";
import { isValidDigest } from "../reference.js";
import { sha256Digest, type Descriptor } from "./blob.js";
import { BASE_CONFIG_TYPES, BASE_MANIFEST_TYPES, OCI_LAYER_TYPE_OF } from "./media-types.js";

/** One platform of a base image, as pulled: its layers are reused as they are, its config is built on. */
export interface BaseImage {
  ref: string;
  platform: ImagePlatform;
  manifestDigest: string;
  /** The base's layers, with Docker media types renamed to their OCI equivalents (same bytes, same digest). */
  layers: Descriptor[];
  /** The parsed config, every field kept. */
  config: Record<string, unknown>;
  diffIds: string[];
}

type Json = Record<string, unknown>;

/**
 * The manifest digest of the single image in a pulled OCI layout's index.json (what
 * `crane pull --format=oci --platform=…` writes).
 */
export function pulledManifestDigest(indexJson: string, ref: string): string {
  const index = parse(indexJson, `${ref}: the pulled layout's index.json`);
  const manifests = Array.isArray(index.manifests) ? (index.manifests as Json[]) : [];
  if (manifests.length !== 1) {
    throw new GantryError(`${ref}: the pulled layout holds ${manifests.length} images; expected exactly one (pull with --platform)`);
  }
  return digestField(manifests[0]!.digest, `${ref}: index.json manifests[0].digest`);
}

/** The config digest named by a base manifest, after checking the manifest's own digest. */
export function baseConfigDigest(manifestText: string, manifestDigest: string, ref: string): string {
  const manifest = parseManifest(manifestText, manifestDigest, ref);
  return digestField((manifest.config as Json | undefined)?.digest, `${ref}: manifest config.digest`);
}

/**
 * Checks a pulled base (the manifest's and config's digests, media types, platform, one diff_id per
 * layer) and returns what Gantry builds on. OCI and Docker v2 schema 2 manifests are both accepted.
 */
export function readBaseImage(input: { ref: string; platform: ImagePlatform; manifestText: string; manifestDigest: string; configText: string }): BaseImage {
  const { ref, platform } = input;
  const manifest = parseManifest(input.manifestText, input.manifestDigest, ref);
  const configDescriptor = (manifest.config ?? {}) as Json;
  if (!(BASE_CONFIG_TYPES as readonly unknown[]).includes(configDescriptor.mediaType)) {
    throw new GantryError(
      `${ref}: config media type ${JSON.stringify(configDescriptor.mediaType)} is not an image config; expected ${BASE_CONFIG_TYPES.join(" or ")}`,
    );
  }
  const configDigest = digestField(configDescriptor.digest, `${ref}: manifest config.digest`);
  if (sha256Digest(input.configText) !== configDigest) {
    throw new GantryError(`${ref}: the config read back does not match its digest ${configDigest}`);
  }
  const config = parse(input.configText, `${ref}: config`);
  checkPlatform(config, platform, ref);

  const layers = (Array.isArray(manifest.layers) ? (manifest.layers as Json[]) : []).map((layer, i) => baseLayer(layer, i, ref));
  const rootfs = (config.rootfs ?? {}) as Json;
  const diffIds = Array.isArray(rootfs.diff_ids) ? (rootfs.diff_ids as unknown[]).map((d, i) => digestField(d, `${ref}: config rootfs.diff_ids[${i}]`)) : [];
  if (diffIds.length !== layers.length) {
    throw new GantryError(`${ref}: the manifest lists ${layers.length} layers but the config ${diffIds.length} diff_ids`);
  }
  return { ref, platform, manifestDigest: input.manifestDigest, layers, config, diffIds };
}

function parseManifest(text: string, digest: string, ref: string): Json {
  if (sha256Digest(text) !== digestField(digest, `${ref}: manifest digest`)) {
    throw new GantryError(`${ref}: the manifest read back does not match its digest ${digest}`);
  }
  const manifest = parse(text, `${ref}: manifest`);
  if (!(BASE_MANIFEST_TYPES as readonly unknown[]).includes(manifest.mediaType) || manifest.schemaVersion !== 2) {
    throw new GantryError(
      `${ref}: ${JSON.stringify(manifest.mediaType)} is not an image manifest Gantry can build on; expected schemaVersion 2 and ${BASE_MANIFEST_TYPES.join(" or ")}`,
    );
  }
  return manifest;
}

function baseLayer(layer: Json, i: number, ref: string): Descriptor {
  const mediaType = OCI_LAYER_TYPE_OF[String(layer.mediaType)];
  if (mediaType === undefined) {
    throw new GantryError(
      `${ref}: layer ${i} has media type ${JSON.stringify(layer.mediaType)}, which Gantry cannot redistribute; expected ${Object.keys(OCI_LAYER_TYPE_OF).join(", ")}`,
    );
  }
  const size = layer.size;
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) throw new GantryError(`${ref}: layer ${i} has no valid size`);
  return { mediaType, digest: digestField(layer.digest, `${ref}: layer ${i} digest`), size };
}

function checkPlatform(config: Json, platform: ImagePlatform, ref: string): void {
  const want = parsePlatform(platform);
  // arm64 images often say variant v8, the only arm64 variant; arm's variant must match.
  const variantMatters = want.arch === "arm";
  if (config.os !== want.os || config.architecture !== want.arch || (variantMatters && config.variant !== want.variant)) {
    const got = [config.os, config.architecture, config.variant].filter((p) => typeof p === "string").join("/");
    throw new GantryError(`${ref}: the image pulled for ${platform} is ${got || "of no platform"}; the base has no ${platform} variant`);
  }
}

function digestField(value: unknown, what: string): string {
  if (typeof value !== "string" || !value.startsWith("sha256:") || !isValidDigest(value)) {
    throw new GantryError(`${what}: ${JSON.stringify(value)} is not a sha256 digest`);
  }
  return value;
}

function parse(text: string, what: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new GantryError(`${what} is not JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new GantryError(`${what} is not a JSON object`);
  return value as Json;
}
