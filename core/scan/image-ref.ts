import { ArgumentError } from "../errors.js";
import { parseImageReference, type ImageReference } from "../image/reference.js";

const ARCHIVE = /\.(?:tar|tar\.gz|tgz|tar\.zst|oci|zip)$/i;

/**
 * The name an image is published under, as reports must show it. A file path or tarball name
 * ("./image.tar", "/out/app.tar.gz") is rejected with that said, before the reference grammar is.
 */
export function publishedImageReference(value: string, argument: string): ImageReference {
  const ref = value.trim();
  if (ref === "") throw new ArgumentError(argument, "an image reference is required, e.g. ghcr.io/acme/api:1.2.3");
  if (ref.startsWith("/") || ref.startsWith(".") || ARCHIVE.test(ref.split("@")[0]!)) {
    throw new ArgumentError(
      argument,
      `"${ref}" looks like a file path or an image tarball; give the image name it is published under, e.g. ghcr.io/acme/api:1.2.3`,
    );
  }
  return parseImageReference(ref, argument);
}
