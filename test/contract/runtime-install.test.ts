// The engine's TypeScript runtime installs the module's packages with `npm install --omit=dev` from
// the committed lock, then runs src/ under tsx with its own generated SDK library. Installing the
// same way here shows that everything imported at run time resolves without dev dependencies.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { runArgv } from "../support/run.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
// The SDK's bundled library imports typescript at run time (its introspector parses src/ on every
// call); the runtime mounts its own copy only when dependencies name exactly this version.
const SDK_DEFAULT_TYPESCRIPT = "5.9.3";
const PROVIDED_BY_RUNTIME = new Set(["@dagger.io/dagger"]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
}

// What the module runs: the Dagger surface under src/ and what it loads lazily (#core/*, #dagger/*).
const RUNTIME_DIRS = ["src", "core", "dagger"].map((d) => join(root, d)).filter((d) => existsSync(d));

/** Package names imported (statically or dynamically, values or types) by the module's code. */
function importedPackages(): Set<string> {
  const names = new Set<string>();
  for (const file of RUNTIME_DIRS.flatMap(sourceFiles)) {
    for (const m of readFileSync(file, "utf8").matchAll(/(?:from\s+|import\s*\(\s*|import\s+)["']([^"'.][^"']*)["']/g)) {
      const spec = m[1]!;
      if (spec.startsWith("node:") || spec.startsWith("#") || builtinModules.includes(spec)) continue;
      names.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!);
    }
  }
  return names;
}

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gantry-runtime-install-"));
  for (const f of ["package.json", "package-lock.json"]) cpSync(join(root, f), join(dir, f));
  const ran = await runArgv(["npm", "install", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: dir });
  if (ran.status !== 0) throw new Error(`npm install --omit=dev failed:\n${ran.stderr}`);
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("packages as the engine installs them (production dependencies only, from the lock)", () => {
  it("pins typescript in dependencies to the SDK runtime's default", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    expect(pkg.dependencies.typescript).toBe(SDK_DEFAULT_TYPESCRIPT);
  });

  it("resolves every package src/ imports, and typescript for the SDK's library", async () => {
    const needed = [...new Set([...importedPackages(), "typescript"])].filter((p) => !PROVIDED_BY_RUNTIME.has(p));
    expect(needed).toEqual(expect.arrayContaining(["yaml", "semver", "zod", "typescript"]));
    for (const name of needed) {
      const ran = await runArgv([process.execPath, "--input-type=module", "-e", `await import(${JSON.stringify(name)})`], { cwd: dir });
      expect(ran.stderr, name).toBe("");
      expect(ran.status, name).toBe(0);
    }
  }, 60_000);
});
