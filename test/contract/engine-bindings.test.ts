// The engine test module's dependency bindings: generated from the introspected API with the
// engine's naming rules (scripts/engine-bindings/), committed, and the only API the module's source
// may call. Without an engine this is how a misspelt function, a wrong argument or a constructor
// flag passed to the wrong object is caught before CI's engine job.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { beforeAll, describe, expect, it } from "vitest";

import { ENGINE_BINDINGS_FILE, engineBindings } from "../../scripts/engine-bindings/generate.js";
import { formatEnum, formatName, namespaceObject, toCamel, toLowerCamel } from "../../scripts/engine-bindings/naming.js";
import { splitArguments } from "../../scripts/engine-bindings/schema.js";
import { ENGINE_TEST_MODULE, introspect, type Arg, type ModuleTypes } from "./introspect.js";
import { typecheckEngineModule } from "./offline-typecheck.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
let api: ModuleTypes;
beforeAll(async () => {
  api = await introspect();
}, 120_000);

describe("the engine's and the codegen's naming rules, as ported", () => {
  it("namespaces a module's types with its name, except the main object and names already prefixed on a word boundary", () => {
    expect(namespaceObject("Gantry", "gantry")).toBe("Gantry");
    expect(namespaceObject("Image", "gantry")).toBe("GantryImage");
    expect(namespaceObject("ScanReport", "gantry")).toBe("GantryScanReport");
    expect(namespaceObject("GantryThing", "gantry")).toBe("GantryThing");
    // core's own example: "Postman" in module "post" is not on a word boundary.
    expect(namespaceObject("Postman", "post")).toBe("PostPostman");
    expect(namespaceObject("PostMan", "post")).toBe("PostMan");
    expect(namespaceObject("Image", "engine-tests")).toBe("EngineTestsImage");
  });

  it("cases names as strcase does, a digit capitalising the next letter", () => {
    expect(toCamel("gantry_Image")).toBe("GantryImage");
    expect(toCamel("JSONValue")).toBe("JSONValue");
    expect(toCamel("v1_2")).toBe("V1_2");
    expect(toLowerCamel("engine-tests")).toBe("engineTests");
    expect(toLowerCamel("k3sImage")).toBe("k3SImage");
    expect(toLowerCamel("sourceDateEpoch")).toBe("sourceDateEpoch");
    expect(formatEnum("SPDX_JSON")).toBe("SpdxJson");
    expect(formatEnum("CRITICAL")).toBe("Critical");
    expect(formatName("import")).toBe("import_");
    expect(formatName("export")).toBe("export");
  });

  it("puts every argument from the first optional one on into the opts object", () => {
    const arg = (name: string, extra: Partial<Arg> = {}): Arg => ({ name, description: "", type: { kind: "STRING_KIND" }, isOptional: false, ...extra });
    const split = splitArguments([arg("ref"), arg("source", { type: { kind: "OBJECT_KIND", name: "Directory" }, defaultPath: "/" }), arg("environment")]);
    expect(split.required.map((a) => a.name)).toEqual(["ref"]);
    expect(split.optional.map((a) => a.name)).toEqual(["source", "environment"]);
  });
});

describe("engine test module bindings (test/engine/module-bindings/gantry.gen.d.ts)", () => {
  it("are what scripts/engine-bindings.ts generates from the introspected API (run npm run engine-bindings)", async () => {
    const { text } = await engineBindings();
    expect(readFileSync(`${root}${ENGINE_BINDINGS_FILE}`, "utf8")).toBe(text);
  }, 120_000);

  it("declare every object and enum of the API under its namespaced name, and the constructor on Client", () => {
    const text = readFileSync(`${root}${ENGINE_BINDINGS_FILE}`, "utf8");
    for (const name of Object.keys(api.objects)) expect(text, name).toContain(`export class ${namespaceObject(name, "gantry")} {`);
    for (const name of Object.keys(api.enums)) expect(text, name).toContain(`export enum ${namespaceObject(name, "gantry")} {`);
    expect(text).toMatch(/interface Client \{[^]*gantry: \(opts\?: ClientGantryOpts\) => Gantry;/);
  });

  it("type-check the engine test module, so its source calls only functions and arguments the API declares", () => {
    expect(typecheckEngineModule()).toEqual([]);
  }, 120_000);

  it("reject a call the API does not declare, so a clean type-check means the calls were checked", () => {
    const probe = (body: string) =>
      typecheckEngineModule({
        "probe.ts": `import { dag, type Directory } from "@dagger.io/dagger";\nexport function probe(source: Directory) {\n  ${body}\n}\n`,
      });
    const gantry = `dag.gantry({ config: "c", ref: "", version: "", commit: "", sourceDateEpoch: 0 })`;
    expect(probe(`return ${gantry}.build({ source });`)).toEqual([]);
    expect(probe(`return ${gantry}.biuld({ source });`).join("\n")).toMatch(/Property 'biuld' does not exist on type 'Gantry'/);
    expect(probe(`return ${gantry}.build({ source, platform: [] });`).join("\n")).toMatch(/'platform' does not exist in type 'GantryBuildOpts'/);
    expect(probe(`return dag.gantry({ version: "1.2.3" }).image({ source, baseImage: "" }).digest({ source });`).join("\n")).toMatch(
      /Expected 0 arguments|missing the following properties/,
    );
  }, 120_000);

  it("document every function and argument of the engine test module, each function with its dagger call", async () => {
    const tests = (await introspect(ENGINE_TEST_MODULE)).objects.EngineTests!;
    for (const fn of Object.values(tests.methods)) {
      expect(fn.description, fn.name).toContain(`Example: dagger call -m test/engine/module ${fn.name}`);
      expect(fn.cache, fn.name).toBe("never");
      for (const arg of Object.values(fn.arguments)) expect(arg.description.length, `${fn.name}(${arg.name})`).toBeGreaterThan(10);
    }
  });
});

describe("the engine test module stays its own module", () => {
  const json = (path: string) => JSON.parse(readFileSync(`${root}${path}`, "utf8")) as Record<string, unknown>;

  it("is a module of its own that depends on the repository's Gantry, outside what Gantry's runtime loads", () => {
    expect(json("test/engine/module/dagger.json")).toMatchObject({
      engineVersion: json("dagger.json").engineVersion,
      sdk: { source: "typescript" },
      dependencies: [{ name: "gantry", source: "../../.." }],
    });
    expect(json("dagger.json").include).toContain("!test/");
    expect(ENGINE_TEST_MODULE.srcDir.startsWith("src/")).toBe(false);
  });

  it("reaches the services it shares with Gantry through binding aliases, never a custom hostname", () => {
    // The engine registers a withHostname name only in the DNS domain of the client that starts the
    // service. Every service this module builds is handed to Gantry, another client, which may start
    // it first; then the name resolves for Gantry's containers and not for this module's own.
    const files = (dir: string): string[] =>
      readdirSync(`${root}${dir}`, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(`${dir}/${e.name}`) : [`${dir}/${e.name}`]));
    const calls = files(ENGINE_TEST_MODULE.srcDir).filter((f) => /\.withHostname\s*\(/.test(readFileSync(`${root}${f}`, "utf8")));
    expect(calls).toEqual([]);
  });

  it("is neither a vitest file nor part of the root test program, which would type-check it without its bindings", () => {
    const files = (dir: string): string[] =>
      readdirSync(`${root}${dir}`, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(`${dir}/${e.name}`) : [`${dir}/${e.name}`]));
    expect(files(ENGINE_TEST_MODULE.srcDir).filter((f) => f.endsWith(".test.ts"))).toEqual([]);
    expect(json("test/tsconfig.json").exclude).toEqual(expect.arrayContaining(["./engine/module/**", "./engine/module-bindings/**"]));
  });
});
