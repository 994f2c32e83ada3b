// Runs the Dagger TypeScript SDK's own introspector offline, the way the engine runs it on module
// load: every file under src/ plus the client bindings (client.gen.ts) declaring the core types.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

export interface TypeDef {
  kind: string;
  name?: string;
  typeDef?: TypeDef;
}
export interface Arg {
  name: string;
  description: string;
  type: TypeDef;
  isOptional: boolean;
  defaultValue?: unknown;
  defaultPath?: string;
  ignore?: string[];
}
export interface Method {
  name: string;
  description: string;
  arguments: Record<string, Arg>;
  returnType: TypeDef;
  cache?: string;
  isCheck?: boolean;
}
export interface DaggerObject {
  name: string;
  description: string;
  constructor?: { arguments: Record<string, Arg> };
  methods: Record<string, Method>;
  properties: Record<string, { name: string; description: string; type: TypeDef; isExposed: boolean }>;
}
/** An object's constructor arguments; none when it declares no constructor (the JSON then has no own "constructor" key). */
export function constructorArguments(object: DaggerObject): Record<string, Arg> {
  return Object.hasOwn(object, "constructor") ? (object.constructor?.arguments ?? {}) : {};
}

export interface DaggerInterface {
  name: string;
  functions: Record<string, Method>;
}
export interface ModuleTypes {
  name: string;
  description: string;
  objects: Record<string, DaggerObject>;
  enums: Record<string, { name: string; values: Record<string, unknown> }>;
  interfaces: Record<string, DaggerInterface>;
}

const root = fileURLToPath(new URL("../../", import.meta.url));
const sdkEntry = pathToFileURL(createRequire(import.meta.url).resolve("@dagger.io/dagger"));

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** The SDK's own generated bindings for the pinned engine, as the client.gen.ts the engine writes into sdk/. */
export function clientBindingsSource(): string {
  return readFileSync(new URL("./api/client.gen.d.ts", sdkEntry), "utf8");
}

let bindingsPath: string | undefined;
/** A client.gen.ts (the introspector recognises core types by that file name) holding the SDK's real declarations. */
export function clientBindingsFile(): string {
  if (!bindingsPath) {
    const dir = join(tmpdir(), `gantry-contract-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    bindingsPath = join(dir, "client.gen.ts");
    writeFileSync(bindingsPath, clientBindingsSource());
  }
  return bindingsPath;
}

/** A module the contract tests introspect: its source directory and its name in dagger.json. */
export interface ModuleUnderTest {
  /** The module's src/ directory, relative to the repository root. */
  srcDir: string;
  name: string;
}

/** Gantry itself. */
export const GANTRY_MODULE: ModuleUnderTest = { srcDir: "src", name: "gantry" };
/** The engine test module (test/engine/module), which depends on Gantry. */
export const ENGINE_TEST_MODULE: ModuleUnderTest = { srcDir: "test/engine/module/src", name: "engine-tests" };

/** The files the engine hands its introspector: every file under the module's src/, plus the client bindings. */
export function moduleFiles(module: ModuleUnderTest = GANTRY_MODULE): string[] {
  return [...tsFiles(join(root, module.srcDir)), clientBindingsFile()];
}

const cache = new Map<string, Promise<ModuleTypes>>();

/** The module's API as the SDK's introspector reads it (once per process and module). */
export function introspect(module: ModuleUnderTest = GANTRY_MODULE): Promise<ModuleTypes> {
  if (!cache.has(module.srcDir)) cache.set(module.srcDir, scanModule(module));
  return cache.get(module.srcDir)!;
}

async function scanModule(module: ModuleUnderTest): Promise<ModuleTypes> {
  // Same file as new URL("./module/introspector/index.js", import.meta.resolve("@dagger.io/dagger")):
  // vitest's module transform has no import.meta.resolve, so resolve through require.
  const introspector = new URL("./module/introspector/index.js", sdkEntry);
  const { scan } = (await import(introspector.href)) as {
    scan: (files: string[], name: string, load: boolean) => Promise<unknown>;
  };
  const scanned = (await scan(moduleFiles(module), module.name, false)) as {
    objects: Record<string, { methods: Record<string, { cache?: string; isCheck?: boolean }> }>;
  };
  // toJSON() on the SDK's classes gives the plain typedefs the engine registers, minus the cache
  // policy and the check flag, which the engine reads from the function objects themselves.
  const types = JSON.parse(JSON.stringify(scanned)) as ModuleTypes;
  for (const [objectName, object] of Object.entries(scanned.objects)) {
    for (const [methodName, method] of Object.entries(object.methods)) {
      types.objects[objectName]!.methods[methodName]!.cache = method.cache;
      types.objects[objectName]!.methods[methodName]!.isCheck = method.isCheck;
    }
  }
  types.enums ??= {};
  types.interfaces ??= {};
  return types;
}
