import { fileURLToPath } from "node:url";

import { beforeAll, describe, expect, it } from "vitest";

import { runArgv } from "../support/run.js";

import { introspect, type Arg, type DaggerObject, type ModuleTypes, type TypeDef } from "./introspect.js";

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

describe("module contract (offline introspection with the SDK's own introspector)", () => {
  it("is the gantry module with a documented main object", () => {
    expect(mod.name).toBe("Gantry");
    expect(mod.description).toMatch(/CI\/CD for Go services/);
    expect(gantry().description).toMatch(/configured once/);
  });

  it("takes the project, toolchain, release and image settings in its constructor", () => {
    const args = gantry().constructor!.arguments;
    expectArgs(args, {
      source: [obj("Directory"), undefined],
      pkg: [STRING, "."],
      name: [STRING, ""],
      goVersion: [STRING, ""],
      goImage: [STRING, ""],
      moduleCache: [obj("CacheVolume"), "optional"],
      buildCache: [obj("CacheVolume"), "optional"],
      noCache: [BOOL, false],
      cgo: [BOOL, "optional"],
      goprivate: [STRING, ""],
      netrc: [obj("Secret"), "optional"],
      buildTags: [list(STRING), []],
      ldflags: [list(STRING), []],
      values: [list(STRING), []],
      stampPackage: [STRING, "main"],
      version: [STRING, ""],
      ref: [STRING, ""],
      commit: [STRING, ""],
      sourceDateEpoch: [INT, 0],
      sourceUrl: [STRING, ""],
      base: [STRING, "distroless"],
      port: [INT, 8080],
      user: [INT, 65532],
      labels: [list(STRING), []],
    });
    expect(args.source!.defaultPath).toBe("/");
    expect(args.source!.ignore).toContain(".git");
  });

  it("exposes build returning a Directory of binaries", () => {
    const build = gantry().methods.build!;
    expect(build.returnType).toEqual(obj("Directory"));
    expectArgs(build.arguments, { platforms: [list(STRING), []] });
  });

  it("exposes test returning a TestReport", () => {
    const test = gantry().methods.test!;
    expect(test.returnType).toEqual(obj("TestReport"));
    expectArgs(test.arguments, {
      packages: [list(STRING), ["./..."]],
      run: [STRING, ""],
      skip: [STRING, ""],
      race: [BOOL, false],
      cover: [BOOL, true],
      coverpkg: [STRING, ""],
      count: [INT, 1],
      timeout: [STRING, "10m"],
      shuffle: [STRING, ""],
      short: [BOOL, false],
      failfast: [BOOL, false],
    });
  });

  it("exposes the image functions", () => {
    const m = gantry().methods;
    expect(m.image!.returnType).toEqual(obj("Container"));
    expectArgs(m.image!.arguments, { platform: [STRING, ""] });
    expect(m.tarball!.returnType).toEqual(obj("File"));
    expectArgs(m.tarball!.arguments, { platforms: [list(STRING), ["linux/amd64", "linux/arm64"]] });
    expect(m.sbom!.returnType).toEqual(obj("File"));
    expectArgs(m.sbom!.arguments, { format: [STRING, "spdx-json"], platform: [STRING, ""] });
    expect(m.dockerfile!.returnType).toEqual(obj("File"));
    expectArgs(m.dockerfile!.arguments, { platforms: [list(STRING), ["linux/amd64", "linux/arm64"]] });
  });

  it("exposes publish, never cached, with credentials and signing keys only as secrets", () => {
    const publish = gantry().methods.publish!;
    expect(publish.returnType).toEqual(list(STRING));
    expect(publish.cache).toBe("never");
    expectArgs(publish.arguments, {
      repository: [STRING, undefined],
      tags: [list(STRING), []],
      releasedVersions: [list(STRING), []],
      platforms: [list(STRING), ["linux/amd64", "linux/arm64"]],
      registryUser: [STRING, ""],
      registryPassword: [obj("Secret"), "optional"],
      cosignKey: [obj("Secret"), "optional"],
      cosignPassword: [obj("Secret"), "optional"],
      tlogUpload: [BOOL, true],
      attachSbom: [BOOL, false],
    });
  });

  it("exposes scan with the gate and mirror settings, never cached", () => {
    const scan = gantry().methods.scan!;
    expect(scan.returnType).toEqual(obj("ScanReport"));
    expect(scan.cache).toBe("never");
    expectArgs(scan.arguments, {
      imageRef: [STRING, ""],
      directory: [obj("Directory"), "optional"],
      platform: [STRING, ""],
      severities: [STRING, "HIGH,CRITICAL"],
      ignoreUnfixed: [BOOL, false],
      maxCounts: [list(STRING), []],
      allowList: [obj("File"), "optional"],
      ignoreFile: [obj("File"), "optional"],
      dbRepositories: [list(STRING), []],
      javaDbRepositories: [list(STRING), []],
      timeout: [STRING, "10m"],
      trivyImage: [STRING, "aquasec/trivy:0.74.0"],
      trivyCache: [obj("CacheVolume"), "optional"],
      failOpen: [BOOL, false],
    });
  });

  it("gives ScanReport counts, findings, converters and a check", () => {
    const report = mod.objects.ScanReport!;
    const returns = Object.fromEntries(Object.values(report.methods).map((m) => [m.name, m.returnType]));
    expect(returns).toEqual({
      passed: BOOL,
      count: INT,
      failing: list(STRING),
      summary: STRING,
      markdown: STRING,
      json: obj("File"),
      sarif: obj("File"),
      gitlab: obj("File"),
      junit: obj("File"),
      check: VOID,
    });
    expect(report.properties.notScanned).toMatchObject({ isExposed: true, type: STRING });
  });

  it("gives TestReport counts, coverage, reports and a check", () => {
    const report = mod.objects.TestReport!;
    const returns = Object.fromEntries(Object.values(report.methods).map((m) => [m.name, m.returnType]));
    expect(returns).toEqual({
      tests: INT,
      passed: INT,
      failed: INT,
      skipped: INT,
      coverage: FLOAT,
      ok: BOOL,
      junit: obj("File"),
      json: obj("File"),
      profile: obj("File"),
      summary: STRING,
      check: VOID,
    });
    expect(report.properties.exitCode).toMatchObject({ isExposed: true, type: INT });
  });

  it("documents every function of every object", () => {
    for (const object of Object.values(mod.objects)) {
      for (const method of Object.values(object.methods)) {
        expect(method.description, `${object.name}.${method.name}`).not.toBe("");
        for (const arg of Object.values(method.arguments)) expect(arg.description, `${object.name}.${method.name}(${arg.name})`).not.toBe("");
      }
    }
  });
});

describe("module load (the runtime's import of every src/ file, under tsx)", () => {
  it("imports, runs the decorators and finds the same objects and functions", async () => {
    const script = fileURLToPath(new URL("./load-module.ts", import.meta.url));
    const ran = await runArgv([process.execPath, "--import", "tsx", script], { cwd: fileURLToPath(new URL("../../", import.meta.url)) });
    expect(ran.stderr).not.toMatch(/Error/);
    expect(ran.status).toBe(0);
    const loaded = JSON.parse(ran.stdout.trim().split("\n").at(-1)!) as Record<string, string[]>;
    expect(loaded).toEqual(Object.fromEntries(Object.values(mod.objects).map((o) => [o.name, Object.keys(o.methods)])));
  }, 120_000);
});

describe("defaults shared with the core", () => {
  it("pins the Trivy image to the version the host tests run", async () => {
    const { TRIVY_IMAGE, TRIVY_VERSION } = await import("../../src/core/scan/trivy-plan.js");
    expect(TRIVY_IMAGE).toBe(`aquasec/trivy:${TRIVY_VERSION}`);
  });
});
