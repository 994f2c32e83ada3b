import { createHash } from "node:crypto";

import { canonicalJson } from "./canonical-json.js";

/** An OCI descriptor: what a manifest or index says about a blob it points to. */
export interface Descriptor {
  mediaType: string;
  /** `sha256:<64 hex>` */
  digest: string;
  size: number;
  platform?: { architecture: string; os: string; variant?: string };
  annotations?: Record<string, string>;
}

/** A JSON document (config, manifest, index) as the exact text that is stored and hashed. */
export interface JsonBlob {
  mediaType: string;
  text: string;
  digest: string;
  size: number;
}

export function sha256Digest(bytes: Uint8Array | string): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

export function jsonBlob(mediaType: string, value: unknown): JsonBlob {
  const text = canonicalJson(value);
  return { mediaType, text, digest: sha256Digest(text), size: Buffer.byteLength(text, "utf8") };
}

export function descriptorOf(blob: JsonBlob): Descriptor {
  return { mediaType: blob.mediaType, digest: blob.digest, size: blob.size };
}

/** Where an OCI image layout stores a blob: `blobs/sha256/<hex>`. */
export function blobPath(digest: string): string {
  const [algorithm, hex] = digest.split(":");
  return `blobs/${algorithm}/${hex}`;
}
