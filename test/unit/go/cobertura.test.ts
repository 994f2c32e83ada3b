import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { coverProfileToCobertura } from "../../../core/go/cobertura.js";
import { parseCoverBlocks } from "../../../core/go/coverage.js";

const profile = readFileSync(new URL("../../fixtures/gotest/hello-api.coverage.out", import.meta.url), "utf8");
const options = { modulePath: "github.com/gantry-ci/gantry/examples/hello-api", sourceDir: "examples/hello-api", timestamp: 1700000000 };

/** Every `<name attr="...">` element's attributes, in document order. */
function elements(xml: string, name: string): Record<string, string>[] {
  return [...xml.matchAll(new RegExp(`<${name} ([^>]*?)/?>`, "g"))].map((m) =>
    Object.fromEntries([...m[1]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!])),
  );
}

describe("Cobertura from a Go coverprofile", () => {
  const xml = coverProfileToCobertura(profile, options);

  it("has a package per Go package and a class per file, named by its path from the repository root", () => {
    expect(elements(xml, "package").map((p) => p.name)).toEqual([
      "github.com/gantry-ci/gantry/examples/hello-api",
      "github.com/gantry-ci/gantry/examples/hello-api/internal/server",
    ]);
    const files = elements(xml, "class").map((c) => c.filename);
    expect(files).toContain("examples/hello-api/main.go");
    expect(files).toContain("examples/hello-api/internal/server/metrics.go");
    for (const f of files) expect(f).toMatch(/^examples\/hello-api\/.*\.go$/);
  });

  it("gives each line of a block the block's count, and sums the lines into the rates", () => {
    const blocks = parseCoverBlocks(profile);
    const lines = elements(xml, "line");
    const hits = (file: string, line: number) => {
      const cls = xml.slice(xml.indexOf(`filename="${file}"`));
      return Number(/<line number="(\d+)" hits="(\d+)"/.exec(cls.slice(cls.indexOf(`<line number="${line}" `)))![2]);
    };
    const first = blocks.find((b) => b.file.endsWith("/internal/server/metrics.go") && b.count > 0 && b.startLine === b.endLine)!;
    expect(hits("examples/hello-api/internal/server/metrics.go", first.startLine)).toBeGreaterThanOrEqual(first.count);
    const root = elements(xml, "coverage")[0]!;
    expect(Number(root["lines-valid"])).toBe(lines.length);
    expect(Number(root["lines-covered"])).toBe(lines.filter((l) => Number(l.hits) > 0).length);
    expect(Number(root["line-rate"])).toBeCloseTo(Number(root["lines-covered"]) / lines.length, 3);
    expect(Number(root["line-rate"])).toBeGreaterThan(0.8);
    expect(root.timestamp).toBe("1700000000000");
  });

  it("keeps a module at the repository root unprefixed and escapes what XML cannot hold", () => {
    const at = coverProfileToCobertura('mode: set\nexample.com/m/a&"b.go:1.1,2.2 1 0\n', { modulePath: "example.com/m", sourceDir: ".", timestamp: 0 });
    expect(elements(at, "class")[0]).toMatchObject({ filename: "a&amp;&quot;b.go", "line-rate": "0" });
    expect(elements(coverProfileToCobertura("mode: set\n", options), "package")).toEqual([]);
  });
});
