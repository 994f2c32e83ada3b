// Engine facts the offline introspection can see, each of which broke the module on a real engine:
// an internal type in an @object constructor becomes an empty Dagger interface that crashes the
// engine; a type that does not resolve fails module load; a report object cached across sessions
// holds engine results a later session cannot resolve.
import { beforeAll, describe, expect, it } from "vitest";

import { coreApi } from "./core-api.js";
import { introspect, type ModuleTypes, type TypeDef } from "./introspect.js";

let mod: ModuleTypes;
beforeAll(async () => {
  mod = await introspect();
}, 120_000);

const SCALARS = new Set(["STRING_KIND", "INTEGER_KIND", "FLOAT_KIND", "BOOLEAN_KIND", "VOID_KIND"]);

/** Why a type is not one the engine can serve (undefined when it is). */
function notApiType(type: TypeDef | undefined): string | undefined {
  if (!type) return "no type";
  if (SCALARS.has(type.kind)) return undefined;
  if (type.kind === "LIST_KIND") return notApiType(type.typeDef);
  if (type.kind === "ENUM_KIND") return type.name && (mod.enums[type.name] || isCoreEnumOrScalar(type.name)) ? undefined : `unknown enum ${type.name}`;
  if (type.kind === "SCALAR_KIND") return type.name && isCoreEnumOrScalar(type.name) ? undefined : `unknown scalar ${type.name}`;
  if (type.kind === "OBJECT_KIND") return type.name && (mod.objects[type.name] || coreApi().has(type.name)) ? undefined : `unknown object ${type.name}`;
  return `${type.kind} ${type.name ?? ""}`.trim();
}

function isCoreEnumOrScalar(name: string): boolean {
  return new RegExp(`export (declare enum|type) ${name}\\b`).test(coreEnumsAndScalars);
}
let coreEnumsAndScalars = "";

/**
 * Properties holding a core object made from text alone (dag.directory().withNewFile(...)): its ID is
 * a recipe with no session's result in it (no host upload, no container run), so any session can
 * build it again. Each entry is proven by an adapter test that reads the object's whole chain of calls.
 */
const MADE_FROM_TEXT: Record<string, string> = {
  "ScanReport.reports": "test/adapter/report-directories.test.ts: every file of the scan's reports directory is written from text",
};

/** Whether an object's state (its properties, through nested module objects) holds a core object such as a File. */
function holdsEngineResults(name: string, seen = new Set<string>()): boolean {
  if (seen.has(name)) return false;
  seen.add(name);
  const leaf = (t: TypeDef): TypeDef => (t.kind === "LIST_KIND" && t.typeDef ? leaf(t.typeDef) : t);
  return Object.values(mod.objects[name]!.properties).some((p) => {
    if (MADE_FROM_TEXT[`${name}.${p.name}`]) return false;
    const t = leaf(p.type);
    if (t.kind !== "OBJECT_KIND") return false;
    return mod.objects[t.name!] ? holdsEngineResults(t.name!, seen) : true;
  });
}

describe("API hygiene (engine facts checked offline)", () => {
  beforeAll(async () => {
    const { clientBindingsSource } = await import("./introspect.js");
    coreEnumsAndScalars = clientBindingsSource();
  });

  it("declares no Dagger interface without functions (the engine crashes generating its schema)", () => {
    for (const iface of Object.values(mod.interfaces)) expect(Object.keys(iface.functions ?? {}), `interface ${iface.name}`).not.toHaveLength(0);
  });

  it("takes only API types in every @object constructor and keeps only API types as object state", () => {
    const problems: string[] = [];
    for (const object of Object.values(mod.objects)) {
      for (const arg of Object.values(object.constructor?.arguments ?? {})) {
        const why = notApiType(arg.type);
        if (why || arg.type.kind === "INTERFACE_KIND") problems.push(`${object.name} constructor(${arg.name}): ${why}`);
      }
      for (const prop of Object.values(object.properties)) {
        const why = notApiType(prop.type);
        if (why) problems.push(`${object.name}.${prop.name}: ${why}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("resolves every argument and return type", () => {
    const problems: string[] = [];
    for (const object of Object.values(mod.objects)) {
      for (const method of Object.values(object.methods)) {
        const ret = notApiType(method.returnType);
        if (ret) problems.push(`${object.name}.${method.name} returns ${ret}`);
        for (const arg of Object.values(method.arguments)) {
          const why = notApiType(arg.type);
          if (why) problems.push(`${object.name}.${method.name}(${arg.name}): ${why}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("never caches across sessions a function returning an object that holds engine results", () => {
    // Such an object carries engine results (files, containers) as IDs; a later session that
    // continues from the cached object cannot resolve them ("missing shared result"). Objects that
    // hold only plain values (ScanReport keeps Trivy's JSON as text) may be cached with a TTL.
    const crossSession: string[] = [];
    for (const object of Object.values(mod.objects)) {
      for (const method of Object.values(object.methods)) {
        const returned = method.returnType.kind === "OBJECT_KIND" ? mod.objects[method.returnType.name!] : undefined;
        if (returned && holdsEngineResults(returned.name) && method.cache !== "session" && method.cache !== "never")
          crossSession.push(`${object.name}.${method.name}`);
      }
    }
    expect(crossSession).toEqual([]);
  });

  it("caches ScanReport-returning scans briefly because ScanReport holds no engine results", () => {
    expect(holdsEngineResults("ScanReport")).toBe(false);
    // Only what is really there may be excused, and only a directory (text files in it).
    for (const key of Object.keys(MADE_FROM_TEXT)) {
      const [object, property] = key.split(".");
      expect(mod.objects[object!]!.properties[property!]?.type, key).toMatchObject({ kind: "OBJECT_KIND", name: "Directory" });
    }
    expect(holdsEngineResults("TestReport")).toBe(true);
  });
});
