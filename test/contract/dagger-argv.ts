// Checks a `dagger call` command line against the module's introspected API and the engine's core
// API, without an engine: constructor flags before the function name, every function known to the
// object it is called on, every flag known to the function it is given to, required flags present.
import type { CoreApi } from "./core-api.js";
import { constructorArguments, type Arg, type ModuleTypes, type TypeDef } from "./introspect.js";

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

interface Callable {
  owner: string;
  args: Map<string, { isBool: boolean; required: boolean }>;
  next?: { module?: string; core?: string };
}

function moduleArgs(args: Record<string, Arg>): Callable["args"] {
  return new Map(
    Object.values(args).map((a) => [
      kebab(a.name),
      { isBool: a.type.kind === "BOOLEAN_KIND", required: !a.isOptional && a.defaultValue === undefined && a.defaultPath === undefined },
    ]),
  );
}

function nextOf(type: TypeDef, mod: ModuleTypes): Callable["next"] {
  if (type.kind !== "OBJECT_KIND" || !type.name) return undefined;
  return mod.objects[type.name] ? { module: type.name } : { core: type.name };
}

function findFunction(name: string, at: NonNullable<Callable["next"]>, mod: ModuleTypes, core: CoreApi): Callable | string {
  if (at.module) {
    const object = mod.objects[at.module]!;
    const method = Object.values(object.methods).find((m) => kebab(m.name) === name);
    if (method) return { owner: `${at.module}.${name}`, args: moduleArgs(method.arguments), next: nextOf(method.returnType, mod) };
    const field = Object.values(object.properties).find((p) => p.isExposed && kebab(p.name) === name);
    if (field) return { owner: `${at.module}.${name}`, args: new Map(), next: nextOf(field.type, mod) };
    return `unknown function "${name}" on ${at.module} (it has: ${[...Object.values(object.methods).map((m) => kebab(m.name))].join(", ")})`;
  }
  const fns = core.get(at.core!);
  const fn = fns && [...fns.values()].find((f) => kebab(f.name) === name);
  if (!fn) return `unknown function "${name}" on core type ${at.core}`;
  const args = new Map([...fn.args].map(([k, isBool]) => [kebab(k), { isBool, required: fn.required.includes(k) }]));
  return { owner: `${at.core}.${name}`, args, next: fn.returns ? { core: fn.returns } : undefined };
}

/** Problems with one `dagger call` argv (the words after `call`); empty when it is valid. */
export function checkDaggerCall(words: string[], mod: ModuleTypes, core: CoreApi, mainObject = "Gantry"): string[] {
  const problems: string[] = [];
  const main = mod.objects[mainObject]!;
  let current: Callable | undefined = { owner: `${mainObject} constructor`, args: moduleArgs(constructorArguments(main)), next: { module: mainObject } };
  let i = 0;
  while (current) {
    const given = new Set<string>();
    while (i < words.length && words[i]!.startsWith("--")) {
      const word = words[i++]!;
      const [flag, inline] = word.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
      const bare = flag.startsWith("no-") && current.args.get(flag.slice(3))?.isBool ? flag.slice(3) : flag;
      const arg = current.args.get(bare);
      if (!arg) {
        problems.push(
          `--${flag} is not a flag of ${current.owner}${current.owner.endsWith("constructor") ? "" : " (constructor flags go before the function name)"}`,
        );
        if (inline === undefined && i < words.length && !words[i]!.startsWith("--")) i++;
        continue;
      }
      given.add(bare);
      if (inline === undefined && !arg.isBool) {
        if (i >= words.length) problems.push(`--${flag} of ${current.owner} has no value`);
        i++;
      } else if (inline === undefined && arg.isBool && /^(true|false)$/.test(words[i] ?? "")) i++;
    }
    for (const [name, arg] of current.args) if (arg.required && !given.has(name)) problems.push(`${current.owner} needs --${name}`);
    if (i >= words.length) break;
    if (!current.next) {
      problems.push(`${current.owner} returns no object, but the command goes on with "${words.slice(i).join(" ")}"`);
      break;
    }
    const found = findFunction(words[i++]!, current.next, mod, core);
    if (typeof found === "string") {
      problems.push(found);
      break;
    }
    current = found;
  }
  return problems;
}
