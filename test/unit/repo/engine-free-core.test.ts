// The core decides everything and runs nowhere in particular: it must never import the Dagger SDK,
// and the Dagger surface (src/) reaches it only lazily, so the runtime's per-call work stays small.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const files = (dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );

describe("the architecture", () => {
  it("keeps core/ free of the Dagger SDK", () => {
    const offenders = files("core").filter((f) => /from\s+["']@dagger\.io\/dagger/.test(readFileSync(join(root, f), "utf8")));
    expect(offenders).toEqual([]);
  });

  it("has src/ reach the core and the adapters only through lazy #core/#dagger imports or type imports", () => {
    const offenders = files("src").flatMap((f) =>
      [...readFileSync(join(root, f), "utf8").matchAll(/^import\s+(?!type\b)[^;]*?from\s+["']([^"']+)["']/gm)]
        .map((m) => m[1]!)
        .filter((spec) => spec.startsWith("#") || spec.includes("/core/") || spec.includes("/dagger/"))
        .map((spec) => `${f}: ${spec}`),
    );
    expect(offenders).toEqual([]);
  });
});
