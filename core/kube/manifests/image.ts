import { ArgumentError } from "../../errors.js";
import { imageName, parseImageReference, type ImageReference } from "../../image/reference.js";

/**
 * The image to deploy, pinned by digest: `registry/repository@sha256:...`. A tag-only reference is
 * refused (a tag can move between the check and the pull, and two nodes could run two builds);
 * a tag beside the digest is dropped, as the digest alone decides what runs.
 */
export function pinnedImage(text: string, argument = "image"): { ref: ImageReference; pinned: string } {
  const ref = parseImageReference(text.trim(), argument);
  if (!ref.digest) {
    throw new ArgumentError(
      argument,
      `"${text}" has no digest; deploy images by digest (e.g. ${imageName(ref)}@sha256:<64 hex>), as the publish step prints them`,
    );
  }
  return { ref, pinned: `${imageName(ref)}@${ref.digest}` };
}
