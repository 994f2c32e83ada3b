// The joints of the house, read from the imports themselves (static, type-only and dynamic):
// src/ (the Dagger surface) -> dagger/ (thin adapters) -> core/ (every decision, engine-free).
// Arrows point down only, nothing goes round in a circle, and the domains inside core/ reach each
// other only along the short list below.
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { circles, coreDomain, importGraph, specifiers, type Edge } from "./import-graph.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const edges = importGraph(ROOT);
const layer = (node: string) => node.split("/")[0];
const show = (e: Edge) => `${e.from}:${e.line} -> ${e.to}`;

/**
 * Which core domain may import which, and why; a top-level core file (errors.ts, text.ts) is shared
 * by all. The order is the floors of the core: report < go < image < git, scan < supply < kube < policy < pipeline < embedded.
 */
const DOMAIN_ALLOWED: Record<string, { may: string[]; why: string }> = {
  "core/report": { may: [], why: "renderers of JUnit, Markdown and XML, used by every report" },
  "core/go": { may: ["core/report"], why: "test and coverage reports render through the shared renderers" },
  "core/image": { may: ["core/go"], why: "an image packs what the Go build produced, per Go platform" },
  "core/git": { may: ["core/image"], why: "a commit's facts become image tags" },
  "core/scan": { may: ["core/image", "core/report"], why: "a scan names the image reference it judged and renders reports" },
  "core/supply": { may: ["core/image", "core/scan"], why: "attestations are signed like the image (cosign argv) and one carries the scan gate's verdict" },
  "core/kube": {
    may: ["core/image", "core/report", "core/supply"],
    why: "a rollout deploys an image (reference, config digest) and renders its report; an environment says how its image is verified (verify)",
  },
  "core/policy": {
    may: ["core/image", "core/kube", "core/scan", "core/supply"],
    why: "the policy gate judges a rollout's rendered objects (kube), the image's scan summary and what verify proved (supply), and runs OPA as a tool (image's ToolRun)",
  },
  "core/pipeline": {
    may: ["core/go", "core/image", "core/git", "core/scan", "core/kube", "core/policy", "core/report", "core/supply"],
    why: "the pipeline file composes every domain's settings and the runner their results (a run's scans are a deploy's policy evidence)",
  },
  "core/embedded": { may: ["core/kube", "core/image", "core/pipeline"], why: "the demo is a pipeline and a cluster of its own, built from the others" },
};

describe("the import graph", () => {
  it("is read whole: static, type-only and dynamic imports through package.json imports are edges", () => {
    expect(edges.length).toBeGreaterThan(500);
    // src/ reaches the adapters only through `await import("#dagger/x.js")`.
    expect(edges).toContainEqual(expect.objectContaining({ from: "src/environment.ts", to: "dagger/deploy-chain.ts" }));
    expect(edges).toContainEqual(expect.objectContaining({ from: "dagger/deploy-chain.ts", to: "dagger/run.ts" }));
  });

  it("has no circle among the imports that load", () => {
    const loading = edges.filter((e) => !e.typeOnly);
    expect(circles(loading)).toEqual([]);
  });

  it("has no circle of type imports either: two files that cannot change apart", () => {
    expect(circles(edges)).toEqual([]);
  });

  it("has no arrow from the adapters up into the Dagger surface", () => {
    expect(edges.filter((e) => layer(e.from) === "dagger" && layer(e.to) === "src").map(show)).toEqual([]);
  });

  it("keeps core/ free of the adapters, the surface and the Dagger SDK", () => {
    const up = edges.filter((e) => layer(e.from) === "core" && (["dagger", "src"].includes(layer(e.to)!) || e.to === "@dagger.io/dagger"));
    expect(up.map(show)).toEqual([]);
  });

  it("keeps the pipeline file's domain out of kube and image", () => {
    const leaks = edges.filter((e) => ["core/kube", "core/image"].includes(coreDomain(e.from)!) && coreDomain(e.to) === "core/pipeline");
    expect(leaks.map(show)).toEqual([]);
  });

  it("lets core domains reach sideways only along the documented list, and every allowance is used", () => {
    const sideways = edges.filter((e) => coreDomain(e.from) && coreDomain(e.to) && coreDomain(e.from) !== coreDomain(e.to));
    const domains = new Set(edges.flatMap((e) => [coreDomain(e.from), coreDomain(e.to)]).filter((d) => d !== undefined));
    expect([...domains].sort()).toEqual(Object.keys(DOMAIN_ALLOWED).sort());
    expect(sideways.filter((e) => !DOMAIN_ALLOWED[coreDomain(e.from)!]!.may.includes(coreDomain(e.to)!)).map(show)).toEqual([]);
    const used = new Set(sideways.map((e) => `${coreDomain(e.from)} -> ${coreDomain(e.to)}`));
    const allowed = Object.entries(DOMAIN_ALLOWED).flatMap(([from, { may }]) => may.map((to) => `${from} -> ${to}`));
    expect(allowed.filter((a) => !used.has(a))).toEqual([]);
  });
});

describe("the graph reader", () => {
  it("finds every kind of module specifier, marking the type-only ones", () => {
    const text = [
      'import { a } from "./a.js";',
      'import type { B } from "./b.js";',
      'import { type C } from "./c.js";',
      'export { d } from "./d.js";',
      'export type { E } from "./e.js";',
      'type F = import("./f.js").F;',
      'const g = await import("#dagger/g.js");',
    ].join("\n");
    expect(specifiers("x.ts", text)).toEqual([
      { spec: "./a.js", line: 1, typeOnly: false },
      { spec: "./b.js", line: 2, typeOnly: true },
      { spec: "./c.js", line: 3, typeOnly: true },
      { spec: "./d.js", line: 4, typeOnly: false },
      { spec: "./e.js", line: 5, typeOnly: true },
      { spec: "./f.js", line: 6, typeOnly: true },
      { spec: "#dagger/g.js", line: 7, typeOnly: false },
    ]);
  });

  it("finds circles, a file importing itself included, and nothing in a chain", () => {
    const e = (from: string, to: string): Edge => ({ from, to, line: 1, typeOnly: false });
    expect(circles([e("a", "b"), e("b", "c"), e("c", "a"), e("c", "d"), e("d", "d")])).toEqual([["a", "b", "c"], ["d"]]);
    expect(circles([e("a", "b"), e("b", "c"), e("a", "c")])).toEqual([]);
  });
});
