// Runs the Dagger TypeScript SDK's own introspector offline, the way the engine runs it on module
// load: every file under src/ plus a client.gen.ts declaring the core types.
import { readdirSync } from "node:fs";
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
}
export interface DaggerObject {
  name: string;
  description: string;
  constructor?: { arguments: Record<string, Arg> };
  methods: Record<string, Method>;
  properties: Record<string, { name: string; description: string; type: TypeDef; isExposed: boolean }>;
}
export interface ModuleTypes {
  name: string;
  description: string;
  objects: Record<string, DaggerObject>;
}

const root = fileURLToPath(new URL("../../", import.meta.url));

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** The files the engine hands its introspector: every file under src/, plus the client bindings. */
export function moduleFiles(): string[] {
  return [...tsFiles(join(root, "src")), join(root, "test/contract/client.gen.ts")];
}

export async function introspect(): Promise<ModuleTypes> {
  // Same file as new URL("./module/introspector/index.js", import.meta.resolve("@dagger.io/dagger")):
  // vitest's module transform has no import.meta.resolve, so resolve through require.
  const sdkEntry = pathToFileURL(createRequire(import.meta.url).resolve("@dagger.io/dagger"));
  const introspector = new URL("./module/introspector/index.js", sdkEntry);
  const { scan } = (await import(introspector.href)) as {
    scan: (files: string[], name: string, load: boolean) => Promise<unknown>;
  };
  const scanned = (await scan(moduleFiles(), "gantry", false)) as { objects: Record<string, { methods: Record<string, { cache?: string }> }> };
  // toJSON() on the SDK's classes gives the plain typedefs the engine registers, minus the cache
  // policy, which the engine reads from the function objects themselves.
  const types = JSON.parse(JSON.stringify(scanned)) as ModuleTypes;
  for (const [objectName, object] of Object.entries(scanned.objects)) {
    for (const [methodName, method] of Object.entries(object.methods)) types.objects[objectName]!.methods[methodName]!.cache = method.cache;
  }
  return types;
}
