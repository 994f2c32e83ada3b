import { GantryError } from "../../errors.js";
import { parsePlatform } from "../../go/platform.js";
import type { ImagePlan } from "../plan.js";
import type { ImagePlatform } from "../platforms.js";
import type { BaseImage } from "./base.js";
import { blobPath, descriptorOf, jsonBlob, type Descriptor, type JsonBlob } from "./blob.js";
import { imageConfig } from "./config.js";
import type { LayerDigests } from "./layer.js";
import { OCI_INDEX, OCI_LAYER_GZIP, OCI_MANIFEST } from "./media-types.js";
import { canonicalJson } from "./canonical-json.js";

/** What one platform contributes: Gantry's layer as the layer step measured it, and the pulled base (none for scratch). */
export interface PlatformParts {
  platform: ImagePlatform;
  layer: LayerDigests;
  base?: BaseImage;
}

export interface PlatformImageBlobs {
  platform: ImagePlatform;
  config: JsonBlob;
  manifest: JsonBlob;
  /** The base's layers, then Gantry's. */
  layers: Descriptor[];
}

/** A layer blob the layout must hold, copied in by whoever writes the layout. */
export interface LayerBlob {
  platform: ImagePlatform;
  digest: string;
  /** Path inside the layout. */
  path: string;
  /** Gantry's layer (the layer step's blob) or one of the pulled base's. */
  from: "gantry" | "base";
}

/** A multi-platform image as an OCI image layout: every JSON document as exact text, and the layer blobs to copy in. */
export interface OciImage {
  /** The image index's digest: what the registry answers once it is pushed. */
  digest: string;
  index: JsonBlob;
  platforms: PlatformImageBlobs[];
  /** oci-layout, index.json and every config, manifest and the index under blobs/sha256/, path → exact text. */
  files: { path: string; text: string }[];
  layerBlobs: LayerBlob[];
}

export const OCI_LAYOUT_TEXT = canonicalJson({ imageLayoutVersion: "1.0.0" });

/**
 * Composes the image from the plan and each platform's parts. The result depends on nothing else:
 * not the clock, not the process, not the order the parts or any keys were given in.
 */
export function planOciImage(plan: ImagePlan, parts: PlatformParts[]): OciImage {
  const platforms = plan.platforms.map(({ platform }) => platformBlobs(plan, partsFor(plan, parts, platform)));
  const annotations = Object.keys(plan.annotations).length > 0 ? plan.annotations : undefined;
  const index = jsonBlob(OCI_INDEX, {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: platforms.map((p) => ({ ...descriptorOf(p.manifest), platform: indexPlatform(p.platform) })),
    annotations,
  });
  const layout = canonicalJson({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [descriptorOf(index)] });
  const documents = [index, ...platforms.flatMap((p) => [p.manifest, p.config])];
  const files = [
    { path: "oci-layout", text: OCI_LAYOUT_TEXT },
    { path: "index.json", text: layout },
    ...unique(documents.map((d) => ({ path: blobPath(d.digest), text: d.text }))),
  ];
  const layerBlobs = unique(
    platforms.flatMap((p) =>
      p.layers.map((l, i): LayerBlob => ({
        platform: p.platform,
        digest: l.digest,
        path: blobPath(l.digest),
        from: i === p.layers.length - 1 ? "gantry" : "base",
      })),
    ),
  );
  return { digest: index.digest, index, platforms, files, layerBlobs };
}

function platformBlobs(plan: ImagePlan, parts: PlatformParts): PlatformImageBlobs {
  const config = imageConfig(plan, parts.platform, parts.layer, parts.base);
  const layers = [...(parts.base?.layers ?? []), { mediaType: OCI_LAYER_GZIP, digest: parts.layer.digest, size: parts.layer.size }];
  const annotations = Object.keys(plan.annotations).length > 0 ? plan.annotations : undefined;
  const manifest = jsonBlob(OCI_MANIFEST, { schemaVersion: 2, mediaType: OCI_MANIFEST, config: descriptorOf(config), layers, annotations });
  return { platform: parts.platform, config, manifest, layers };
}

function partsFor(plan: ImagePlan, parts: PlatformParts[], platform: ImagePlatform): PlatformParts {
  const found = parts.filter((p) => p.platform === platform);
  if (found.length !== 1) throw new GantryError(`the image needs exactly one layer for ${platform}; got ${found.length}`);
  const part = found[0]!;
  const extra = parts.find((p) => !plan.platforms.some((q) => q.platform === p.platform));
  if (extra) throw new GantryError(`a layer was given for ${extra.platform}, which the image plan does not include`);
  if (plan.base.kind === "scratch" && part.base) throw new GantryError(`${platform}: a scratch image has no base, but one was given`);
  if (plan.base.kind !== "scratch") {
    if (!part.base) throw new GantryError(`${platform}: the base ${plan.base.ref} was not pulled`);
    if (part.base.platform !== platform) throw new GantryError(`${platform}: the base given was pulled for ${part.base.platform}`);
  }
  return part;
}

function indexPlatform(platform: ImagePlatform): Descriptor["platform"] {
  const { os, arch, variant } = parsePlatform(platform);
  return { architecture: arch, os, ...(variant === undefined ? {} : { variant }) };
}

/** The first item per path: platforms may share a base layer, and a blob is stored once. */
function unique<T extends { path: string }>(items: T[]): T[] {
  const byPath = new Map<string, T>();
  for (const item of items) if (!byPath.has(item.path)) byPath.set(item.path, item);
  return [...byPath.values()];
}
