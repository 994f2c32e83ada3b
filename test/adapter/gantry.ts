import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

import type { Directory } from "@dagger.io/dagger";
import { afterAll } from "vitest";

import { Gantry } from "../../src/index.js";
import { simulation, tree, type SimNode } from "../support/dagger-simulation.js";

/** The bundled example service, read from disk by the simulation. */
export const HELLO_API = new URL("../../examples/hello-api/", import.meta.url);

/** Real tool output copied into the repository (provenance in test/fixtures/SOURCES.md). */
export const TOOL_FIXTURES = new URL("../fixtures/", import.meta.url);

type Settings = Partial<Omit<Gantry, "source" | "build" | "test" | "image" | "tarball" | "sbom" | "scan" | "publish" | "dockerfile">>;

/**
 * `new Gantry(source, ...)` with the constructor's own positional order, from named settings; an
 * unnamed one is passed as undefined, so the constructor's default applies as it does under `dagger call`.
 */
export function gantry(settings: Settings = {}, source = simulation.hostDirectory(HELLO_API)): Gantry {
  const s = settings;
  return new Gantry(
    source,
    s.pkg,
    s.name,
    s.goVersion,
    s.goImage,
    s.moduleCache,
    s.buildCache,
    s.noCache,
    s.cgo,
    s.goprivate,
    s.netrc,
    s.buildTags,
    s.ldflags,
    s.values,
    s.stampPackage,
    s.version,
    s.ref,
    s.commit,
    s.sourceDateEpoch,
    s.sourceUrl,
    s.base,
    s.port,
    s.user,
    s.labels,
  );
}

const trees: string[] = [];
afterAll(() => {
  for (const root of trees.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A throwaway Go module on disk, e.g. to give the source a go.sum or take its go.mod away. */
export function sourceTree(files: Record<string, string>): Directory {
  const root = mkdtempSync(join(tmpdir(), "gantry-adapter-"));
  trees.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return simulation.hostDirectory(root);
}

/** The recorded File a directory holds at `path` (one that an adapter put there with withFile). */
export function fileAt(dir: Directory | SimNode, path: string): SimNode {
  const entry = tree(simulation.node(dir))?.get(path);
  if (!entry || !("file" in entry)) throw new Error(`no recorded file at ${path} in ${simulation.node(dir).describe(0)}`);
  return entry.file;
}

/** The container a File was taken from (Container.file), i.e. the run that produced it. */
export function producer(file: SimNode): SimNode {
  if (file.call.method !== "file" || file.parent?.kind !== "Container") throw new Error(`${file.describe(0)} was not taken from a container`);
  return file.parent;
}
