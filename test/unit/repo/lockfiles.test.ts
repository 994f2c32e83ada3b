// Two locks, one set of packages: the Dagger runtime (Bun) installs from bun.lock, developers and CI
// from package-lock.json (npm ci). bun.lock is made from the npm lock (`bun install --lockfile-only`
// migrates it when bun.lock is absent), and must name the very same versions, so a package updated in
// one lock and not the other fails here rather than run untested in the engine.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { parse, type ParseError } from "jsonc-parser";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const read = (name: string) => readFileSync(`${root}${name}`, "utf8");

interface NpmLock {
  packages: Record<string, { version?: string; link?: boolean }>;
}
interface BunLock {
  workspaces: Record<string, { dependencies?: Record<string, string>; devDependencies?: Record<string, string> }>;
  /** "parent/child" for a nested copy; the first element is "name@version". */
  packages: Record<string, [string, ...unknown[]]>;
}
interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** bun.lock's key of a package ("a/@s/b") as npm's install path ("node_modules/a/node_modules/@s/b"). */
function npmPath(bunKey: string): string {
  const parts = bunKey.split("/");
  const names: string[] = [];
  for (let i = 0; i < parts.length; i++) names.push(parts[i]!.startsWith("@") ? `${parts[i]}/${parts[++i]}` : parts[i]!);
  return names.map((n) => `node_modules/${n}`).join("/");
}

function bunLock(): BunLock {
  const errors: ParseError[] = [];
  const lock = parse(read("bun.lock"), errors, { allowTrailingComma: true }) as BunLock;
  expect(errors, "bun.lock parses as JSON with trailing commas").toEqual([]);
  return lock;
}

describe("bun.lock and package-lock.json", () => {
  it("lock the same versions of every package (each lock may nest a copy elsewhere)", () => {
    const npm = JSON.parse(read("package-lock.json")) as NpmLock;
    const name = (path: string) => path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
    const fromBun = Object.entries(bunLock().packages).map(([key, [id]]) => `${name(npmPath(key))}${id.slice(id.lastIndexOf("@"))}`);
    const fromNpm = Object.entries(npm.packages)
      .filter(([path, entry]) => path !== "" && !entry.link)
      .map(([path, entry]) => `${name(path)}@${entry.version}`);
    expect(fromBun.sort()).toEqual(fromNpm.sort());
  });

  it("lock what package.json asks for", () => {
    const pkg = JSON.parse(read("package.json")) as PackageJson;
    const workspace = bunLock().workspaces[""]!;
    expect({ dependencies: workspace.dependencies, devDependencies: workspace.devDependencies }).toEqual({
      dependencies: pkg.dependencies,
      devDependencies: pkg.devDependencies,
    });
  });

  it("reads a nested scoped key as npm's install path", () => {
    expect(npmPath("@dagger.io/dagger/typescript")).toBe("node_modules/@dagger.io/dagger/node_modules/typescript");
    expect(npmPath("a/@s/b")).toBe("node_modules/a/node_modules/@s/b");
  });
});
