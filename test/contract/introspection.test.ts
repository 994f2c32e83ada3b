import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { beforeAll, describe, expect, it } from "vitest";

import { runArgv } from "../support/run.js";

import { introspect, moduleFiles, type Arg, type DaggerObject, type ModuleTypes, type TypeDef } from "./introspect.js";

let mod: ModuleTypes;
beforeAll(async () => {
  mod = await introspect();
}, 120_000);

const STRING: TypeDef = { kind: "STRING_KIND" };
const BOOL: TypeDef = { kind: "BOOLEAN_KIND" };
const INT: TypeDef = { kind: "INTEGER_KIND" };
const FLOAT: TypeDef = { kind: "FLOAT_KIND" };
const VOID: TypeDef = { kind: "VOID_KIND" };
const obj = (name: string): TypeDef => ({ kind: "OBJECT_KIND", name });
const list = (typeDef: TypeDef): TypeDef => ({ kind: "LIST_KIND", typeDef });

type Expected = Record<string, [TypeDef, unknown]>; // argument -> [type, default] ("optional" = no default, nullable)

function expectArgs(args: Record<string, Arg>, expected: Expected) {
  expect(Object.keys(args)).toEqual(Object.keys(expected));
  for (const [name, [type, def]] of Object.entries(expected)) {
    const arg = args[name]!;
    expect(arg.type, name).toEqual(type);
    if (def === "optional") expect(arg.isOptional, name).toBe(true);
    else expect(arg.defaultValue, name).toEqual(def);
    expect(arg.description.length, `${name} has a description`).toBeGreaterThan(10);
  }
}

function gantry(): DaggerObject {
  return mod.objects.Gantry!;
}

const ENUM = (name: string): TypeDef => ({ kind: "ENUM_KIND", name });
const PLATFORM: TypeDef = { kind: "SCALAR_KIND", name: "Platform" };
const DIRECTORY = obj("Directory");

describe("module contract (offline introspection with the SDK's own introspector)", () => {
  it("is the gantry module with a documented main object", () => {
    expect(mod.name).toBe("Gantry");
    expect(mod.description).toMatch(/CI\/CD for Go services/);
    expect(gantry().description).toMatch(/pipeline file/);
  });

  it("takes only the pipeline file and release overrides in its constructor, so a code change does not re-run it", () => {
    expectArgs(gantry().constructor!.arguments, {
      config: [STRING, "pipelines/gantry.yaml"],
      ref: [STRING, ""],
      version: [STRING, ""],
      commit: [STRING, ""],
      sourceDateEpoch: [INT, 0],
    });
  });

  it("takes the repository in every function that reads it, defaulting to the caller's repository", () => {
    for (const name of [
      "build",
      "test",
      "testsPass",
      "image",
      "scan",
      "scanPasses",
      "scanImage",
      "scanDirectory",
      "publish",
      "sbom",
      "dockerfile",
      "environment",
      "demo",
      "run",
      "ciFiles",
    ]) {
      const source = gantry().methods[name]!.arguments.source!;
      expect(source.type, name).toEqual(DIRECTORY);
      expect(source.defaultPath, name).toBe("/");
      expect(source.ignore, name).toContain("**/node_modules");
    }
  });

  it("reads the repository's ignore list from one constant (src/call.ts), which the introspector resolves to its literal", async () => {
    const { REPOSITORY_IGNORE } = await import("../../src/call.js");
    const withSource = Object.values(mod.objects).flatMap((o) => Object.values(o.methods).filter((m) => m.arguments.source?.type.name === "Directory"));
    expect(withSource.length).toBeGreaterThan(10);
    for (const method of withSource) expect(method.arguments.source!.ignore, method.name).toEqual(REPOSITORY_IGNORE);
    const uses = moduleFiles()
      .filter((f) => !f.endsWith("client.gen.ts"))
      .map((f) => readFileSync(f, "utf8").match(/ignore: REPOSITORY_IGNORE \}\) source:/g)?.length ?? 0);
    expect(uses.reduce((a, b) => a + b, 0)).toBe(withSource.length);
  });

  it("exposes build, test and the gates", () => {
    const m = gantry().methods;
    expect(m.build!.returnType).toEqual(DIRECTORY);
    expect(m.build!.arguments.platforms!.type).toEqual(list(PLATFORM));
    expect(m.test!.returnType).toEqual(obj("TestReport"));
    expect(m.test!.cache).toBe("session");
    expect(Object.keys(m.test!.arguments)).toEqual(["source", "run", "skip", "race", "cover", "count", "failfast", "moduleCache", "buildCache"]);
    // The Go caches' names are per call: a build from empty caches leaves the constructor (and its cache) alone.
    for (const name of ["build", "test"]) expect(Object.keys(m[name]!.arguments), name).toEqual(expect.arrayContaining(["moduleCache", "buildCache"]));
    for (const arg of Object.values(m.test!.arguments).slice(1)) expect(arg.isOptional, arg.name).toBe(true);
    expect(m.testsPass).toMatchObject({ isCheck: true, returnType: VOID });
    expect(m.scanPasses).toMatchObject({ isCheck: true, returnType: VOID });
  });

  it("chains an Image to a container, tarball, SBOM, scan or publish", () => {
    const m = gantry().methods;
    expect(m.image!.returnType).toEqual(obj("Image"));
    expect(m.image!.arguments.base!.type).toEqual(ENUM("BaseKind"));
    const image = mod.objects.Image!;
    const returns = Object.fromEntries(Object.values(image.methods).map((f) => [f.name, f.returnType]));
    expect(returns).toEqual({
      container: obj("Container"),
      layout: DIRECTORY,
      digest: STRING,
      tarball: obj("File"),
      sbom: obj("File"),
      scan: obj("ScanReport"),
      publish: list(STRING),
    });
    expect(image.methods.sbom!.arguments.format!.type).toEqual(ENUM("SbomFormat"));
    expect(image.methods.container!.arguments.platform!.type).toEqual(PLATFORM);
  });

  it("splits the three scan targets, each cached briefly so reports and the check read one scan", () => {
    const m = gantry().methods;
    for (const name of ["scan", "scanImage", "scanDirectory"]) {
      expect(m[name]!.returnType, name).toEqual(obj("ScanReport"));
      expect(m[name]!.cache, name).toBe("10m");
      expect(m[name]!.arguments.severities!.type, name).toEqual(list(ENUM("Severity")));
    }
    expect(m.scanImage!.arguments.ref!.type).toEqual(STRING);
    expect(m.scanDirectory!.arguments.directory!.type).toEqual(DIRECTORY);
  });

  it("publishes never cached, with credentials only as secrets", () => {
    for (const publish of [gantry().methods.publish!, mod.objects.Image!.methods.publish!]) {
      expect(publish.returnType).toEqual(list(STRING));
      expect(publish.cache).toBe("never");
      expect(publish.arguments.password!.type).toEqual(obj("Secret"));
    }
  });

  it("gives ScanReport counts, findings, every report in one directory, and a check: the values read as fields", () => {
    const report = mod.objects.ScanReport!;
    const returns = Object.fromEntries(Object.values(report.methods).map((m) => [m.name, m.returnType]));
    // Methods are what takes an argument or can fail; everything else is served from the object's state.
    expect(returns).toEqual({ count: INT, json: obj("File"), sarif: obj("File"), gitlab: obj("File"), junit: obj("File"), check: VOID });
    expect(report.methods.count!.arguments.severity!.type).toEqual(ENUM("Severity"));
    const exposed = Object.fromEntries(
      Object.values(report.properties)
        .filter((p) => p.isExposed)
        .map((p) => [p.name, p.type]),
    );
    expect(exposed).toEqual({
      notScanned: STRING,
      scannedAt: STRING,
      passed: BOOL,
      failing: list(STRING),
      summary: STRING,
      markdown: STRING,
      reports: DIRECTORY,
    });
    for (const name of ["scan", "scanImage"]) expect(Object.keys(mod.objects.Gantry!.methods[name]!.arguments), name).not.toContain("category");
    expect(mod.objects.Gantry!.methods.scan!.arguments.imageName!.type).toEqual(STRING);
  });

  it("gives TestReport counts, coverage, reports and a check: the values read as fields", () => {
    const report = mod.objects.TestReport!;
    expect(Object.values(report.methods).map((m) => [m.name, m.returnType])).toEqual([["check", VOID]]);
    const exposed = Object.fromEntries(
      Object.values(report.properties)
        .filter((p) => p.isExposed)
        .map((p) => [p.name, p.type]),
    );
    expect(exposed).toEqual({
      exitCode: INT,
      tests: INT,
      passed: INT,
      failed: INT,
      skipped: INT,
      coverage: FLOAT,
      ok: BOOL,
      summary: STRING,
      junit: obj("File"),
      json: obj("File"),
      profile: obj("File"),
      cobertura: obj("File"),
      reports: DIRECTORY,
    });
  });

  it("runs the pipeline's stages in one call, never cached, and generates the CI files", () => {
    const m = gantry().methods;
    expect(m.run).toMatchObject({ returnType: obj("PipelineRun"), cache: "never" });
    expect(Object.keys(m.run!.arguments)).toEqual(["source", "stage", "environment", "approve", "kubeconfig", "cluster"]);
    expect(m.ciFiles!.returnType).toEqual(DIRECTORY);
    const run = mod.objects.PipelineRun!;
    expect(Object.values(run.methods).map((f) => [f.name, f.returnType])).toEqual([["check", VOID]]);
    expect(run.properties.status).toMatchObject({ isExposed: true, type: STRING });
    expect(run.properties.summary).toMatchObject({ isExposed: true, type: STRING });
  });

  it("configures an environment once (its cluster access in one place, cached per session) and rolls out, gates and reads it there", () => {
    const m = gantry().methods;
    expect(m.environment).toMatchObject({ returnType: obj("Environment"), cache: "session" });
    expectArgs(m.environment!.arguments, {
      source: [DIRECTORY, undefined],
      name: [STRING, ""],
      kubeconfig: [obj("Secret"), "optional"],
      cluster: [obj("Service"), "optional"],
      kubectlImage: [STRING, ""],
    });
    for (const gone of ["deploy", "promote", "abort", "status", "manifests", "policy", "analyze"]) expect(m[gone], gone).toBeUndefined();
    const env = mod.objects.Environment!;
    expect(Object.values(env.methods).map((f) => [f.name, f.returnType, f.cache])).toEqual([
      ["deploy", obj("Rollout"), "never"],
      ["promote", obj("Rollout"), "never"],
      ["abort", obj("Rollout"), "never"],
      ["status", STRING, "never"],
      ["verify", STRING, "never"],
      ["manifests", DIRECTORY, undefined],
      ["policy", STRING, "never"],
      ["analyze", STRING, "never"],
      ["dashboard", obj("File"), undefined],
      ["alerts", DIRECTORY, undefined],
      ["rollback", obj("Rollout"), "never"],
      ["gitopsSync", STRING, undefined],
      ["history", STRING, "never"],
      ["chart", DIRECTORY, undefined],
      ["publishChart", STRING, "never"],
    ]);
    expectArgs(env.methods.deploy!.arguments, { image: [STRING, ""], repository: [STRING, "optional"], approve: [list(STRING), []] });
    expectArgs(env.methods.promote!.arguments, { full: [BOOL, false] });
    expectArgs(env.methods.abort!.arguments, { reason: [STRING, ""] });
    expectArgs(env.methods.manifests!.arguments, { image: [STRING, undefined] });
    expectArgs(env.methods.verify!.arguments, { image: [STRING, undefined] });
    expectArgs(env.methods.policy!.arguments, { image: [STRING, undefined] });
    expectArgs(env.methods.analyze!.arguments, { from: [STRING, ""], to: [STRING, ""], at: [STRING, ""], track: [STRING, "canary"] });
    // Pure functions of the pipeline file: no arguments, cached by default.
    expectArgs(env.methods.dashboard!.arguments, {});
    expectArgs(env.methods.alerts!.arguments, {});
    expectArgs(env.methods.rollback!.arguments, { to: [STRING, undefined] });
    expectArgs(env.methods.gitopsSync!.arguments, { tool: [STRING, undefined], namespace: [STRING, ""], fluxSecret: [STRING, ""] });
    expectArgs(env.methods.history!.arguments, { days: [INT, 0] });
    expectArgs(env.methods.chart!.arguments, { image: [STRING, undefined], helmImage: [STRING, ""] });
    expectArgs(env.methods.publishChart!.arguments, {
      image: [STRING, undefined],
      remote: [STRING, undefined],
      username: [STRING, ""],
      password: [obj("Secret"), "optional"],
      registry: [obj("Service"), "optional"],
      helmImage: [STRING, ""],
    });
    // Each cluster argument appears once in the API: on environment (and run, which spans environments).
    const clusterArgs = Object.values(mod.objects).flatMap((o) =>
      Object.values(o.methods)
        .filter((f) => "kubeconfig" in f.arguments)
        .map((f) => `${o.name}.${f.name}`),
    );
    expect(clusterArgs).toEqual(["Gantry.environment", "Gantry.run"]);
    expect(env.properties.settings!.type).toEqual(obj("Settings"));
    expect(env.properties.access!.type).toEqual(obj("ClusterAccess"));
    const rollout = mod.objects.Rollout!;
    expect(Object.values(rollout.methods).map((f) => [f.name, f.returnType])).toEqual([["check", VOID]]);
    expect(rollout.properties.markdown).toMatchObject({ isExposed: true, type: STRING });
    expect(rollout.properties.verdict).toMatchObject({ isExposed: true, type: STRING });
    expect(rollout.properties.metrics).toMatchObject({ isExposed: true, type: STRING });
    expect(rollout.properties.deliveries).toMatchObject({ isExposed: true, type: list(STRING) });
    expect(rollout.properties.steps).toMatchObject({ isExposed: true, type: list(STRING) });
  });

  it("runs the embedded demo as its own function, never cached", () => {
    const demo = gantry().methods.demo!;
    expect(demo).toMatchObject({ returnType: obj("Rollout"), cache: "never" });
    expectArgs(demo.arguments, {
      source: [DIRECTORY, undefined],
      badCanary: [BOOL, false],
      kubernetesImage: [STRING, ""],
      registryImage: [STRING, ""],
      prometheusImage: [STRING, ""],
    });
  });

  it("shares one Settings object between Gantry and the objects it returns, instead of copies of each setting", () => {
    expect(gantry().properties.settings!.type).toEqual(obj("Settings"));
    expect(mod.objects.Image!.properties.settings!.type).toEqual(obj("Settings"));
    expect(Object.keys(mod.objects.Image!.constructor!.arguments)).toEqual(["settings", "source", "options"]);
    expect(Object.keys(mod.objects.Settings!.properties)).toEqual(["config", "ref", "version", "commit", "sourceDateEpoch"]);
  });

  it("offers the fixed value lists as enums", () => {
    expect(Object.keys(mod.enums).sort()).toEqual(["BaseKind", "SbomFormat", "Severity"]);
  });

  it("documents every function and argument, with an example call on the main object's functions", () => {
    for (const object of Object.values(mod.objects)) {
      for (const method of Object.values(object.methods)) {
        expect(method.description, `${object.name}.${method.name}`).not.toBe("");
        for (const arg of Object.values(method.arguments)) expect(arg.description.length, `${object.name}.${method.name}(${arg.name})`).toBeGreaterThan(10);
      }
    }
    for (const method of Object.values(gantry().methods)) {
      if (!method.isCheck) expect(method.description, method.name).toMatch(/Example: dagger call /);
    }
    for (const arg of Object.values(gantry().constructor!.arguments)) expect(arg.description.length, arg.name).toBeGreaterThan(10);
  });
});

/** Every package import (#core/..., #dagger/...) that src/ names, statically or lazily. */
function lazySpecifiers(): string[] {
  const files = moduleFiles().filter((f) => !f.endsWith("client.gen.ts"));
  return [...new Set(files.flatMap((f) => [...readFileSync(f, "utf8").matchAll(/["'](#[a-z]+\/[^"']+)["']/g)].map((m) => m[1]!)))].sort();
}

describe("module load (the runtime's import of every src/ file, under tsx)", () => {
  it("imports, runs the decorators and finds the same objects and functions", async () => {
    const script = fileURLToPath(new URL("./load-module.ts", import.meta.url));
    const lazy = lazySpecifiers();
    expect(lazy.length).toBeGreaterThan(10);
    const ran = await runArgv([process.execPath, "--import", "tsx", script, ...lazy], { cwd: fileURLToPath(new URL("../../", import.meta.url)) });
    expect(ran.stderr).not.toMatch(/Error/);
    expect(ran.status).toBe(0);
    const loaded = JSON.parse(ran.stdout.trim().split("\n").at(-1)!) as Record<string, string[]>;
    expect(loaded).toEqual(Object.fromEntries(Object.values(mod.objects).map((o) => [o.name, Object.keys(o.methods)])));
  }, 120_000);
});

describe("defaults shared with the core", () => {
  it("pins the Trivy image to the version the host tests run, in the core and in the pipeline's default", async () => {
    const { TRIVY_IMAGE, TRIVY_VERSION } = await import("../../core/scan/trivy-plan.js");
    const { loadPipeline } = await import("../../core/pipeline/load.js");
    expect(TRIVY_IMAGE).toBe(`aquasec/trivy:${TRIVY_VERSION}`);
    expect(loadPipeline("", "p.yaml").scan.trivyImage).toBe(TRIVY_IMAGE);
  });
});
