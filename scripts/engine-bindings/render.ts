// Renders a Dagger dependency's client bindings as a TypeScript declaration file, from the module's
// API as the SDK's own introspector reads it (test/contract/introspect.ts). The shapes follow the
// TypeScript codegen's templates in dagger/dagger cmd/codegen/generator/typescript/templates/src/
// (object.ts.gtpl, method.ts.gtpl, method_solve.ts.gtpl, types.ts.gtpl, args.ts.gtpl) and the
// SDK's own generated client.gen.d.ts:
//
// - every object is a class; a member returning an object chains synchronously, one returning a
//   scalar, an enum, a list or nothing is `async` (Promise<T>, Promise<void>); members are sorted by
//   name with `id` first (generator.go), `id` returns the unified ID;
// - an object with a member returning its own type gets `with(fn)` (IsSelfChainable);
// - arguments: see ./schema.ts; the opts type is named <Parent><Function>Opts, Client<Module>Opts
//   for the constructor on Query;
// - each object has an <Object>ID scalar and a `load<Object>FromID` on Client;
// - enums list their members sorted by TypeScript name, each set to its registered value.
//
// Since dagger/dagger#13509 the engine writes a dependency's bindings to their own file beside
// client.gen.ts in the module's sdk/ directory and adds its Client members by declaration merging
// (`declare module "./client.gen.js" { interface Client {...} }`). Offline, the core lives in the
// published @dagger.io/dagger package, so this file merges into that module the same way.
import { constructorArguments, type Arg, type DaggerObject, type ModuleTypes, type TypeDef } from "../../test/contract/introspect.js";

import { formatEnum, formatName, namespaceObject, toCamel, toLowerCamel } from "./naming.js";
import { isNullable, isSolved, splitArguments } from "./schema.js";

interface Member {
  name: string;
  description: string;
  args: Arg[];
  returnType: TypeDef;
}

export interface RenderInput {
  /** The module's API as the SDK's introspector reads it. */
  api: ModuleTypes;
  /** The module's name in dagger.json (the dependency's name). */
  moduleName: string;
  /** Lines for the file's header comment. */
  header: string[];
}

/** The declaration file for one dependency. */
export function renderDependencyBindings({ api, moduleName, header }: RenderInput): string {
  const r = new Renderer(api, moduleName);
  return r.file(header);
}

class Renderer {
  private readonly coreNames = new Set<string>(["ID"]);

  constructor(
    private readonly api: ModuleTypes,
    private readonly moduleName: string,
  ) {}

  file(header: string[]): string {
    const body = [...this.scalars(), ...this.enums(), ...this.optsTypes(), ...this.classes(), this.client()].join("\n");
    const imports = [...this.coreNames].sort();
    return [
      ...header.map((l) => `// ${l}`.trimEnd()),
      `import type { ${imports.join(", ")} } from "@dagger.io/dagger";`,
      "",
      `declare module "@dagger.io/dagger" {`,
      indent(body),
      "}",
      "",
    ].join("\n");
  }

  private typeName(original: string): string {
    return namespaceObject(original, this.moduleName);
  }

  private objects(): DaggerObject[] {
    return Object.values(this.api.objects).sort((a, b) => this.typeName(a.name).localeCompare(this.typeName(b.name), "en"));
  }

  private tsType(t: TypeDef): string {
    switch (t.kind) {
      case "STRING_KIND":
        return "string";
      case "INTEGER_KIND":
        return "number";
      case "FLOAT_KIND":
        return this.core("float");
      case "BOOLEAN_KIND":
        return "boolean";
      case "VOID_KIND":
        return "void";
      case "LIST_KIND":
        return `${this.tsType(t.typeDef!)}[]`;
      case "ENUM_KIND":
      case "OBJECT_KIND":
      case "INTERFACE_KIND":
        return this.api.objects[t.name!] || this.api.enums[t.name!] || this.api.interfaces[t.name!] ? this.typeName(t.name!) : this.core(t.name!);
      case "SCALAR_KIND":
        return this.core(t.name!);
      default:
        throw new Error(`no TypeScript type for ${t.kind}`);
    }
  }

  private core(name: string): string {
    this.coreNames.add(name);
    return name;
  }

  private scalars(): string[] {
    return this.objects().map((o) => {
      const id = `${this.typeName(o.name)}ID`;
      return `${comment(`The \`${id}\` scalar type represents an identifier for an object of type ${this.typeName(o.name)}.`)}export type ${id} = string & { __${id}: never };\n`;
    });
  }

  private enums(): string[] {
    return Object.values(this.api.enums)
      .sort((a, b) => this.typeName(a.name).localeCompare(this.typeName(b.name), "en"))
      .map((e) => {
        const values = Object.values(e.values as Record<string, { name: string; value?: string; description?: string }>);
        const seen = new Set<string>();
        const members = values
          .sort((a, b) => formatEnum(a.name).localeCompare(formatEnum(b.name), "en"))
          .filter((v) => !seen.has(formatEnum(v.name)) && seen.add(formatEnum(v.name)))
          .map((v) => `${comment(v.description ?? "")}${formatEnum(v.name)} = ${JSON.stringify(v.value ?? v.name)},`);
        return `${comment((e as { description?: string }).description ?? "")}export enum ${this.typeName(e.name)} {\n${indent(members.join("\n"))}\n}\n`;
      });
  }

  private members(o: DaggerObject): Member[] {
    const fields = Object.values(o.properties)
      .filter((p) => p.isExposed)
      .map((p) => ({ name: toLowerCamel(p.name), description: p.description, args: [], returnType: p.type }));
    const functions = Object.values(o.methods).map((m) => ({
      name: toLowerCamel(m.name),
      description: m.description,
      args: Object.values(m.arguments),
      returnType: m.returnType,
    }));
    return [...fields, ...functions].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private optsType(parent: string, member: Member): string | undefined {
    const { optional } = splitArguments(member.args);
    if (optional.length === 0) return undefined;
    const props = optional.map((a) => `${comment(a.description)}${toLowerCamel(a.name)}${isNullable(a) ? "?" : ""}: ${this.tsType(a.type)};`);
    return `export type ${parent}${toCamel(member.name)}Opts = {\n${indent(props.join("\n"))}\n};\n`;
  }

  private optsTypes(): string[] {
    const main = this.mainObject();
    const ctor = this.optsType("Client", {
      name: toLowerCamel(this.moduleName),
      description: "",
      args: Object.values(constructorArguments(main)),
      returnType: { kind: "OBJECT_KIND", name: main.name },
    });
    const perObject = this.objects().flatMap((o) => this.members(o).map((m) => this.optsType(this.typeName(o.name), m)));
    return [ctor, ...perObject].filter((t): t is string => t !== undefined);
  }

  private signature(parent: string, member: Member): string {
    const { required, optional } = splitArguments(member.args);
    const params = required.map((a) => `${formatName(toLowerCamel(a.name))}${isNullable(a) ? "?" : ""}: ${this.tsType(a.type)}`);
    if (optional.length > 0) params.push(`opts?: ${parent}${toCamel(member.name)}Opts`);
    const type = this.tsType(member.returnType);
    return `(${params.join(", ")}) => ${isSolved(member.returnType) ? `Promise<${type}>` : type}`;
  }

  private classes(): string[] {
    return this.objects().map((o) => {
      const name = this.typeName(o.name);
      const members = this.members(o);
      const lines = [`id: () => Promise<ID>;`, ...members.map((m) => `${memberComment(m)}${formatName(m.name)}: ${this.signature(name, m)};`)];
      if (members.some((m) => m.returnType.kind === "OBJECT_KIND" && m.returnType.name === o.name)) {
        lines.push(`${comment(`Call the provided function with current ${name}.`)}with: (arg: (param: ${name}) => ${name}) => ${name};`);
      }
      return `${comment(o.description)}export class ${name} {\n${indent(lines.join("\n"))}\n}\n`;
    });
  }

  private mainObject(): DaggerObject {
    const main = Object.values(this.api.objects).find((o) => this.typeName(o.name) === toCamel(this.moduleName));
    if (!main) throw new Error(`no main object named ${toCamel(this.moduleName)} in the module's API`);
    return main;
  }

  private client(): string {
    const main = this.mainObject();
    const ctor: Member = {
      name: toLowerCamel(this.moduleName),
      description: main.description || this.api.description,
      args: Object.values(constructorArguments(main)),
      returnType: { kind: "OBJECT_KIND", name: main.name },
    };
    const loaders = this.objects().map((o) => {
      const name = this.typeName(o.name);
      return `${comment(`Load a ${name} from its ID.`)}load${name}FromID: (id: ${name}ID) => ${name};`;
    });
    const lines = [`${memberComment(ctor)}${formatName(ctor.name)}: ${this.signature("Client", ctor)};`, ...loaders];
    return `interface Client {\n${indent(lines.join("\n"))}\n}`;
  }
}

function memberComment(m: Member): string {
  const { required, optional } = splitArguments(m.args);
  const params = [
    ...required.map((a) => `@param ${toLowerCamel(a.name)} ${a.description}`),
    ...optional.map((a) => `@param opts.${toLowerCamel(a.name)} ${a.description}`),
  ];
  return comment([m.description, ...params].filter(Boolean).join("\n"));
}

function comment(text: string): string {
  const lines = text.trim() ? text.trim().split("\n") : [];
  return lines.length === 0 ? "" : `/**\n${lines.map((l) => ` * ${l}`.trimEnd()).join("\n")}\n */\n`;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => (l ? `  ${l}` : l))
    .join("\n")
    .trimEnd();
}
