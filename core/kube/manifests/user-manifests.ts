import { isAlias, LineCounter, parseAllDocuments, visit, type Document } from "yaml";
import { FileError } from "../../errors.js";
import { imageName, parseImageReference } from "../../image/reference.js";
import { isRecord } from "../json.js";
import { pinnedImage } from "./image.js";

const CONTAINER_LISTS = ["containers", "initContainers", "ephemeralContainers"];

/**
 * The user's own manifests (multi-document YAML, e.g. a directory's files joined, or the output of
 * `kubectl kustomize`) with the image pinned: every container whose image has the same repository
 * as `image` (tag or digest ignored, Docker Hub names written out) gets `image` by digest, the way
 * kustomize's `images:` or ko do. `match` names another repository to replace (e.g. a placeholder
 * such as `hello-api`). Comments and layout are kept. No container matching is an error: the
 * deployment would silently run something else.
 */
export function pinUserManifests(text: string, image: string, file: string, match?: string): { yaml: string; replaced: number } {
  const pinned = pinnedImage(image).pinned;
  const wanted = imageName(parseImageReference(match ?? image, "match"));
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines });
  let replaced = 0;
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      throw new FileError(file, e.message.split("\n")[0]!, e.linePos?.[0]?.line);
    }
    for (const path of containerImagePaths(plainData(doc, file, lines))) {
      const current = doc.getIn(path);
      if (typeof current !== "string") continue;
      let name: string;
      try {
        name = imageName(parseImageReference(current));
      } catch {
        continue; // not an image reference (a template placeholder): not ours to judge
      }
      if (name !== wanted) continue;
      doc.setIn(path, pinned);
      replaced++;
    }
  }
  if (replaced === 0) throw new NoImageError(file, `no container uses the image ${wanted}; nothing to pin (name the manifests' repository with match)`);
  return { yaml: docs.map((d) => d.toString({ lineWidth: 0 })).join(""), replaced };
}

/**
 * A directory of manifests (its YAML files, read by the caller) pinned as one stream, in path order so
 * the output is stable; errors name the file. At least one container in all of them must match.
 */
export function pinManifestFiles(files: { path: string; text: string }[], image: string, match?: string): { yaml: string; replaced: number } {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  let replaced = 0;
  const parts: string[] = [];
  for (const file of sorted) {
    try {
      const pinned = pinUserManifests(file.text, image, file.path, match);
      replaced += pinned.replaced;
      parts.push(pinned.yaml);
    } catch (e) {
      // A file without the image is fine (a Service, a ConfigMap); bad YAML is not.
      if (!(e instanceof NoImageError)) throw e;
      parts.push(file.text);
    }
  }
  if (replaced === 0) throw new FileError(sorted.map((f) => f.path).join(", ") || "(no files)", `no container uses the image ${imageName(parseImageReference(match ?? image, "match"))}; nothing to pin`);
  return { yaml: parts.map((p) => (p.endsWith("\n") ? p : p + "\n")).join("---\n"), replaced };
}

class NoImageError extends FileError {}

/**
 * The document as plain data. An alias bomb (a few lines of aliases expanding to billions of nodes)
 * is refused by the yaml library with a ReferenceError; it becomes an error at the first alias.
 */
function plainData(doc: Document.Parsed, file: string, lines: LineCounter): unknown {
  try {
    return doc.toJS();
  } catch (e) {
    if (!(e instanceof ReferenceError)) throw e;
    let line: number | undefined;
    visit(doc, { Alias: (_, node) => (isAlias(node) && node.range ? ((line = lines.linePos(node.range[0]).line), visit.BREAK) : undefined) });
    throw new FileError(file, `the aliases (*name) expand to too many nodes (${e.message.split("\n")[0]}); write the values out`, line);
  }
}

/** Paths (key lists) of every `image` of a container, wherever a pod spec sits in the object. */
function containerImagePaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => containerImagePaths(v, [...path, i]));
  if (!isRecord(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => {
    if (CONTAINER_LISTS.includes(k) && Array.isArray(v)) {
      return v.flatMap((c, i) => (isRecord(c) && typeof c["image"] === "string" ? [[...path, k, i, "image"]] : []));
    }
    return containerImagePaths(v, [...path, k]);
  });
}
