// The kustomize overlay's `images:` edit, as `kustomize edit set image name=newName@digest` makes
// it, done on the YAML document so the user's comments, order and other entries stay as they are.
import { isMap, isScalar, isSeq, parseDocument, YAMLMap, YAMLSeq, type Document } from "yaml";

import { GantryError } from "../../errors.js";

/** The file names kustomize reads as an overlay's kustomization, in the order it looks for them. */
export const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"] as const;

/**
 * The kustomization's text with the image `name` pinned to `newName@digest` (newTag removed, as a
 * digest decides alone); an entry is added when none has that name. `where` names the file in errors.
 */
export function pinKustomizationImage(text: string, where: string, image: { name: string; newName: string; digest: string }): string {
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length > 0) throw new GantryError(`${where}: not YAML kustomize can read: ${doc.errors[0]!.message}`);
  if (!isMap(doc.contents)) throw new GantryError(`${where}: expected a kustomization (a mapping with resources:, images:...)`);
  const images = imagesOf(doc, where);
  const entry = images.items.find((item) => isMap(item) && scalarText(item.get("name", true)) === image.name) as YAMLMap | undefined;
  const target = entry ?? (doc.createNode({ name: image.name }) as YAMLMap);
  if (image.newName === image.name) target.delete("newName");
  else target.set("newName", image.newName);
  target.delete("newTag");
  target.set("digest", image.digest);
  if (!entry) images.add(target);
  return doc.toString({ lineWidth: 0 });
}

function imagesOf(doc: Document, where: string): YAMLSeq {
  let images = doc.get("images", true);
  if (images === undefined || images === null || (isScalar(images) && images.value === null)) {
    doc.set("images", new YAMLSeq());
    images = doc.get("images", true);
  }
  if (!isSeq(images)) throw new GantryError(`${where}: images: must be a list of {name, newName, newTag, digest}`);
  return images;
}

function scalarText(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === "string" ? node.value : undefined;
}
