import { posix } from "node:path";

import { GantryError } from "../../errors.js";
import type { ImagePlan } from "../plan.js";
import { isValidDigest } from "../reference.js";

/**
 * Gantry's one application layer, made by GNU tar and gzip from the exact argv below, run without a
 * shell in a fresh working directory, as root (it sets owners), by the golang image (Debian) in a
 * container or by a host test alike. Everything that could vary between two runs is pinned: the
 * file list is sorted, every entry's mode and owner are set explicitly (never from the umask),
 * every mtime is the commit time, user and group names are left out, pax headers carry no atime,
 * ctime or process id, and gzip writes no file name or time.
 */
export interface LayerPlan {
  /** Where the runner puts the platform's binary before the steps, relative to the working directory. */
  binaryInput: string;
  /** Files the runner writes before the steps (the rootfs files' text), relative to the working directory. */
  inputs: { path: string; contents: string }[];
  /** Run in order, in the working directory; any non-zero exit is a failure. */
  steps: string[][];
  /** Prints the sha256 of the tar and of the gzipped blob; give its stdout to parseLayerMeasure. */
  digestArgv: string[];
  /** Prints the gzipped blob's size in bytes. */
  sizeArgv: string[];
  /** The uncompressed tar, relative to the working directory. */
  tarFile: string;
  /** The gzipped layer blob, relative to the working directory. */
  blobFile: string;
}

/** What the layer step produced, as an OCI manifest and config record it. */
export interface LayerDigests {
  /** sha256 of the gzipped blob: the manifest's layer digest. */
  digest: string;
  size: number;
  /** sha256 of the uncompressed tar: the config's rootfs diff_id. */
  diffId: string;
}

const BINARY_INPUT = "in/binary";
const FILES_INPUT = "in/files";
const STAGING = "root";
const TAR_FILE = "out/layer.tar";
const BLOB_FILE = "out/layer.tar.gz";
const ROOT_OWNER = "0:0";

interface Entry {
  path: string;
  kind: "directory" | "file" | "tree";
  mode: number;
  owner: string;
  /** Where a file or tree is copied from: a path under the working directory, or absolute on the runner. */
  source?: string;
}

export function planLayer(plan: ImagePlan): LayerPlan {
  const entries = layerEntries(plan);
  const steps: string[][] = [["mkdir", STAGING, "out"]];
  for (const e of entries) steps.push(...entryArgv(e));
  const topLevel = [...new Set(entries.map((e) => e.path.split("/")[1]!))].sort();
  steps.push([...reproducibleTar(TAR_FILE, STAGING, plan.sourceDateEpoch ?? 0), "--", ...topLevel], ["gzip", "--no-name", "--keep", "-6", TAR_FILE]);
  return {
    binaryInput: BINARY_INPUT,
    inputs: plan.rootfs.files.map((f) => ({ path: `${FILES_INPUT}${f.path}`, contents: f.contents })),
    steps,
    digestArgv: ["sha256sum", TAR_FILE, BLOB_FILE],
    sizeArgv: ["stat", "--format=%s", BLOB_FILE],
    tarFile: TAR_FILE,
    blobFile: BLOB_FILE,
  };
}

/** Reads the output of digestArgv and sizeArgv. */
export function parseLayerMeasure(sha256sumOutput: string, sizeOutput: string): LayerDigests {
  const sums = new Map(
    sha256sumOutput
      .trim()
      .split("\n")
      .map((line) => line.trim().split(/\s+\*?/))
      .map(([hex = "", file = ""]) => [file, `sha256:${hex}`]),
  );
  const diffId = sums.get(TAR_FILE);
  const digest = sums.get(BLOB_FILE);
  const size = Number(sizeOutput.trim());
  if (!diffId || !digest || !isValidDigest(diffId) || !isValidDigest(digest)) {
    throw new GantryError(`the layer step printed no sha256 for ${TAR_FILE} and ${BLOB_FILE}: ${JSON.stringify(sha256sumOutput)}`);
  }
  if (!/^[0-9]+$/.test(sizeOutput.trim()) || size <= 0) {
    throw new GantryError(`the layer step printed no size for ${BLOB_FILE}: ${JSON.stringify(sizeOutput)}`);
  }
  return { digest, size, diffId };
}

/** Every entry of the layer, parents before children, directories given explicitly so none takes the umask's mode. */
function layerEntries(plan: ImagePlan): Entry[] {
  const leaves: Entry[] = [
    { path: plan.binaryPath, kind: "file", mode: 0o755, owner: ROOT_OWNER, source: BINARY_INPUT },
    ...plan.rootfs.files.map((f): Entry => ({ path: f.path, kind: "file", mode: f.mode, owner: ROOT_OWNER, source: `${FILES_INPUT}${f.path}` })),
    ...plan.rootfs.fromBuilder.map((c): Entry =>
      c.directory
        ? { path: c.path, kind: "tree", mode: 0o755, owner: ROOT_OWNER, source: c.path }
        : { path: c.path, kind: "file", mode: 0o644, owner: ROOT_OWNER, source: c.path },
    ),
  ];
  const directories = new Map<string, Entry>();
  for (const d of plan.rootfs.directories) directories.set(d.path, { path: d.path, kind: "directory", mode: d.mode, owner: d.owner });
  for (const entry of [...leaves, ...directories.values()]) {
    for (let dir = posix.dirname(entry.path); dir !== "/"; dir = posix.dirname(dir)) {
      if (!directories.has(dir)) directories.set(dir, { path: dir, kind: "directory", mode: 0o755, owner: ROOT_OWNER });
    }
  }
  const seen = new Set<string>();
  for (const entry of leaves) {
    if (seen.has(entry.path) || directories.has(entry.path)) throw new GantryError(`the image layer would hold ${entry.path} twice`);
    seen.add(entry.path);
  }
  const byPath = (a: Entry, b: Entry) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return [...[...directories.values()].sort(byPath), ...leaves.sort(byPath)];
}

function entryArgv(e: Entry): string[][] {
  const [uid, gid] = e.owner.split(":");
  const target = `${STAGING}${e.path}`;
  const mode = e.mode.toString(8).padStart(4, "0");
  switch (e.kind) {
    case "directory":
      return [["install", "-d", "-m", mode, "-o", uid!, "-g", gid!, target]];
    case "file":
      return [["install", "-m", mode, "-o", uid!, "-g", gid!, e.source!, target]];
    case "tree":
      // A copied tree keeps its own shape (zoneinfo has symlinks); its modes and owners are normalised.
      return [
        ["cp", "-R", "--no-preserve=all", `${e.source!}/.`, target],
        ["chmod", "-R", "u=rwX,go=rX", target],
        ["chown", "-R", "-h", e.owner, target],
      ];
  }
}

/**
 * argv that writes an OCI layout directory as one tar archive (for air-gapped transfer and `docker load`;
 * Trivy 0.74 reads a layout only as a directory) with the same pinned settings as the layer, so it is reproducible too.
 */
export function layoutTarballArgv(layoutDir: string, output: string): string[] {
  return [...reproducibleTar(output, layoutDir, 0), "--owner=0", "--group=0", "."];
}

/** GNU tar with everything that could differ between two runs pinned: order, format, pax headers, times, names. */
function reproducibleTar(output: string, dir: string, mtime: number): string[] {
  return [
    "tar",
    "--create",
    `--file=${output}`,
    `--directory=${dir}`,
    "--sort=name",
    "--format=posix",
    "--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime",
    `--mtime=@${mtime}`,
    "--numeric-owner",
  ];
}
