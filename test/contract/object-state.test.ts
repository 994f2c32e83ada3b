// Module objects held as fields of module objects (Settings in Gantry, Image and Environment;
// ImageOptions and ClusterAccess), through the SDK's own invoke: a function's result serialised to
// the state JSON the engine stores, then that state loaded back as the next call's parent, as the
// runtime does between `dagger call environment ...` and `... deploy`. Engine objects (Directory,
// Secret) travel as IDs, which need an engine; the nested module objects are what is checked here.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

import { beforeAll, describe, expect, it } from "vitest";

import { ClusterAccess, Environment } from "../../src/environment.js";
import * as images from "../../src/image.js";
import * as index from "../../src/index.js";
import * as environments from "../../src/environment.js";
import * as settingsModule from "../../src/settings.js";
import { Settings } from "../../src/settings.js";
import { moduleFiles } from "./introspect.js";

const sdkEntry = pathToFileURL(createRequire(import.meta.url).resolve("@dagger.io/dagger"));
const sdk = async <T>(path: string): Promise<T> => (await import(new URL(path, sdkEntry).href)) as T;

type Module = { objects: Record<string, unknown> };
type Ctx = { parentName: string; fnName: string; parentArgs: Record<string, unknown>; fnArgs: Record<string, unknown> };
let invoke: (executor: unknown, module: Module, ctx: Ctx) => Promise<any>;
let loadParentState: (executor: unknown, object: unknown, ctx: Ctx) => Promise<Record<string, any>>;
let executor: { buildClass(name: string, state: unknown): any };
let module: Module;

beforeAll(async () => {
  const { scan } = await sdk<{ scan: (files: string[], name: string, load: boolean) => Promise<Module> }>("./module/introspector/index.js");
  module = await scan(moduleFiles(), "gantry", false);
  ({ invoke } = await sdk<{ invoke: typeof invoke }>("./module/entrypoint/invoke.js"));
  ({ loadParentState } = await sdk<{ loadParentState: typeof loadParentState }>("./module/entrypoint/load.js"));
  const { Executor } = await sdk<{ Executor: new (modules: unknown[], module: Module) => typeof executor }>("./module/executor.js");
  executor = new Executor([index, environments, images, settingsModule], module);
}, 120_000);

const SETTINGS = { config: "pipelines/canary-example.yaml", ref: "refs/heads/main", version: "1.2.3", commit: "c0ffee", sourceDateEpoch: 1_763_769_600 };

/** What the engine hands back as the parent of the next call: the stored JSON, through a JSON round trip. */
const stored = (state: unknown) => JSON.parse(JSON.stringify(state)) as Record<string, unknown>;

describe("nested module objects survive the runtime's state serialisation (the SDK's invoke and load)", () => {
  it("the constructor stores Settings as one nested object", async () => {
    const state = await invoke(executor, module, { parentName: "Gantry", fnName: "", parentArgs: {}, fnArgs: SETTINGS });
    expect(stored(state)).toEqual({ settings: SETTINGS });
  });

  it("environment stores its Settings and ClusterAccess, and they load back as instances for deploy and the gates", async () => {
    const state = await invoke(executor, module, {
      parentName: "Gantry",
      fnName: "environment",
      parentArgs: { settings: SETTINGS },
      fnArgs: { name: "production", kubectlImage: "mirror.example/kubectl:v1" },
    });
    expect(stored(state)).toEqual({ settings: SETTINGS, name: "production", access: { kubectlImage: "mirror.example/kubectl:v1" } });
    const parent = await loadParentState(executor, module.objects.Environment, {
      parentName: "Environment",
      fnName: "status",
      parentArgs: stored(state),
      fnArgs: {},
    });
    const environment = executor.buildClass("Environment", parent);
    expect(environment).toBeInstanceOf(Environment);
    expect(environment.settings).toBeInstanceOf(Settings);
    expect(environment.settings).toEqual(SETTINGS);
    expect(environment.access).toBeInstanceOf(ClusterAccess);
    expect(environment.access.kubectlImage).toBe("mirror.example/kubectl:v1");
  });

  it("image stores Settings and ImageOptions, which load back as instances", async () => {
    const state = await invoke(executor, module, {
      parentName: "Gantry",
      fnName: "image",
      parentArgs: { settings: SETTINGS },
      fnArgs: { platforms: ["linux/arm64"], baseImage: "mirror.example/static:nonroot" },
    });
    expect(stored(state)).toEqual({ settings: SETTINGS, options: { platforms: ["linux/arm64"], base: "", baseImage: "mirror.example/static:nonroot" } });
    const parent = await loadParentState(executor, module.objects.Image, { parentName: "Image", fnName: "digest", parentArgs: stored(state), fnArgs: {} });
    const image = executor.buildClass("Image", parent);
    expect(image).toBeInstanceOf(images.Image);
    expect(image.settings).toBeInstanceOf(Settings);
    expect(image.options).toBeInstanceOf(images.ImageOptions);
    expect(image.options.platforms).toEqual(["linux/arm64"]);
  });
});
