import { sha256Digest } from "../../image/oci/blob.js";
import { canonicalJson } from "../../image/oci/canonical-json.js";

/** The first `length` hex digits of sha256(canonical JSON of value): names and revisions from content. */
export function contentHash(value: unknown, length = 10): string {
  return sha256Digest(canonicalJson(value)).slice("sha256:".length, "sha256:".length + length);
}
