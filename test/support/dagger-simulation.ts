// SIMULATION of @dagger.io/dagger: it records calls and runs nothing. It stands in for the Dagger engine,
// which is unavailable on this machine, so that tests can check how src/index.ts and dagger/*.ts wire
// the core's plans into container calls. It says nothing about what the engine or the tools really do
// (test/host runs the tools, test/engine runs the module on a real engine).
//
// Use it with `vi.mock("@dagger.io/dagger", () => import("../support/dagger-simulation.js"))`:
// - Container, Directory, File, CacheVolume, Secret and Service are immutable recording nodes. A chained call
//   (withExec, withFile, from, file, asTarball, ...) returns a new node that remembers its parent and
//   the call, so a test reads the whole chain of any object the adapters built.
// - An async terminal call (exitCode, stderr, contents, entries, publish, defaultPlatform, ...) is
//   answered by the test's script first; when the script returns undefined, by a default (below);
//   otherwise it fails, naming the call, so nothing is answered by accident.
// - Defaults: the engine's platform is linux/amd64; the last exec exits 0 with empty output; sync returns
//   the object; publish answers `<ref>@sha256:<hash of what was pushed>`; directories made from a real
//   folder (simulation.hostDirectory) or with dag.directory().with* list, glob and read their real
//   content; dag.file and setSecret give back what they were given.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { basename, join, posix } from "node:path";
import { fileURLToPath } from "node:url";

import type { CacheVolume, Directory, File, Secret } from "@dagger.io/dagger";

export type Kind = "Container" | "Directory" | "File" | "CacheVolume" | "Secret" | "Service";

/** One recorded call: the method and the arguments exactly as the adapter passed them. */
export interface Call {
  method: string;
  args: readonly unknown[];
}

/** A terminal call waiting for an answer. `on` is undefined for the client's own (dag.defaultPlatform). */
export interface Query {
  /** "Container.exitCode", "File.contents", "dag.defaultPlatform", ... */
  what: string;
  on?: SimNode;
  method: string;
  args: readonly unknown[];
}

/** The test's answers: return a value to answer a query, undefined to leave it to the defaults. */
export type Script = (query: Query) => unknown;

/** A terminal call as it happened, in order, with the answer it got. */
export interface Asked extends Query {
  answer: unknown;
}

export interface Exec {
  argv: string[];
  options: Record<string, unknown>;
}

/** A recorded object. Chained methods are added per kind below; these helpers read the chain. */
export class SimNode {
  constructor(
    readonly kind: Kind,
    readonly call: Call,
    readonly parent?: SimNode,
  ) {
    Object.freeze(this);
  }

  /** The objects from the root (a dag.* call or a test input) to this one. */
  chain(): SimNode[] {
    return this.parent ? [...this.parent.chain(), this] : [this];
  }

  /** Every call from the root to this object, optionally only those of one method. */
  calls(method?: string): Call[] {
    const all = this.chain().map((n) => n.call);
    return method === undefined ? all : all.filter((c) => c.method === method);
  }

  /** The withExec calls of the chain, in order. */
  execs(): Exec[] {
    return this.calls("withExec").map((c) => ({ argv: c.args[0] as string[], options: (c.args[1] ?? {}) as Record<string, unknown> }));
  }

  /** The last exec of the chain: the one whose exit code, stdout and files an answer is about. */
  lastExec(): Exec | undefined {
    return this.execs().at(-1);
  }

  /** Environment set with withEnvVariable along the chain (a later value wins). */
  envVariables(): Record<string, string> {
    return Object.fromEntries(this.calls("withEnvVariable").map((c) => [c.args[0] as string, c.args[1] as string]));
  }

  /** dag.container().from("golang:1.26").withExec([go mod download])…, for messages and digests. */
  describe(depth = 1): string {
    return this.chain()
      .map((n, i) => {
        const args = n.call.args.map((a) => show(a, depth)).join(", ");
        if (i > 0) return `.${n.call.method}(${args})`;
        return n.call.method === "hostDirectory" ? `host.directory(${args})` : `dag.${n.call.method}(${args})`;
      })
      .join("");
  }
}

function show(value: unknown, depth: number): string {
  if (value instanceof SimNode) return depth > 0 ? `<${value.describe(depth - 1)}>` : `<${value.kind}>`;
  if (Array.isArray(value)) return `[${value.map((v) => show(v, depth)).join(" ")}]`;
  if (value && typeof value === "object")
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}: ${show(v, depth)}`)
      .join(", ")}}`;
  return JSON.stringify(value) ?? String(value);
}

/** Chained methods per kind and the kind each returns. */
const CHAINED: Record<Kind, Record<string, Kind>> = {
  Container: {
    ...sameKind("Container", [
      "from",
      "withExec",
      "withEnvVariable",
      "withMountedCache",
      "withMountedFile",
      "withMountedDirectory",
      "withMountedSecret",
      "withSecretVariable",
      "withFile",
      "withDirectory",
      "withNewFile",
      "withRegistryAuth",
      "withLabel",
      "withAnnotation",
      "withUser",
      "withWorkdir",
      "withExposedPort",
      "withEntrypoint",
      "withDefaultArgs",
      "withServiceBinding",
      "withMountedTemp",
    ]),
    file: "File",
    directory: "Directory",
    asTarball: "File",
    asService: "Service",
  },
  Directory: {
    ...sameKind("Directory", ["withFile", "withNewFile", "withDirectory", "withNewDirectory", "withTimestamps", "withoutFile", "withoutDirectory"]),
    file: "File",
    directory: "Directory",
  },
  File: sameKind("File", ["withName", "withTimestamps"]),
  CacheVolume: {},
  Secret: {},
  Service: sameKind("Service", ["withHostname"]),
};

/** Async terminal methods per kind. */
const TERMINAL: Record<Kind, string[]> = {
  Container: ["exitCode", "stdout", "stderr", "exists", "sync", "publish", "export", "platform"],
  Directory: ["entries", "glob", "exists", "sync", "digest", "export"],
  File: ["contents", "name", "size", "sync", "digest", "export"],
  CacheVolume: [],
  Secret: ["plaintext", "name"],
  Service: ["start", "stop", "endpoint"],
};

function sameKind(kind: Kind, methods: string[]): Record<string, Kind> {
  return Object.fromEntries(methods.map((m) => [m, kind]));
}

const CLASSES = Object.fromEntries(
  (Object.keys(CHAINED) as Kind[]).map((kind) => {
    const cls = { [kind]: class extends SimNode {} }[kind]!;
    for (const [method, returns] of Object.entries(CHAINED[kind])) {
      Object.defineProperty(cls.prototype, method, {
        value(this: SimNode, ...args: unknown[]) {
          return make(returns, { method, args }, this);
        },
      });
    }
    for (const method of TERMINAL[kind]) {
      Object.defineProperty(cls.prototype, method, {
        value(this: SimNode, ...args: unknown[]) {
          return simulation.ask(this, method, args);
        },
      });
    }
    return [kind, cls];
  }),
) as Record<Kind, new (kind: Kind, call: Call, parent?: SimNode) => SimNode>;

function make(kind: Kind, call: Call, parent?: SimNode): SimNode {
  return new CLASSES[kind](kind, { method: call.method, args: Object.freeze([...call.args]) }, parent);
}

/** A file as a directory holds it: on disk, written by withNewFile, or another recorded File. */
export type Entry = { disk: string } | { text: string } | { file: SimNode };

const NO_ANSWER = Symbol("no answer");

class DaggerSimulation {
  private script: Script = () => undefined;
  /** dag.* calls (container, directory, file, cacheVolume, setSecret, defaultPlatform), in order. */
  readonly dagCalls: Call[] = [];
  /** Terminal calls (and dag.defaultPlatform), in order, with their answers. */
  readonly asked: Asked[] = [];

  /** Forgets everything recorded and answers from `script` from now on. */
  reset(script: Script = () => undefined): void {
    this.script = script;
    this.dagCalls.length = 0;
    this.asked.length = 0;
  }

  /** A source directory as `dagger call --source <path>` would pass it: a real folder, read on demand. */
  hostDirectory(path: string | URL): Directory {
    const dir = (typeof path === "string" ? path : fileURLToPath(path)).replace(/(.)\/+$/, "$1");
    return make("Directory", { method: "hostDirectory", args: [dir] }) as unknown as Directory;
  }

  /** A secret as `--registry-password env:TOKEN` would pass it. */
  secret(name: string, plaintext: string): Secret {
    return make("Secret", { method: "setSecret", args: [name, plaintext] }) as unknown as Secret;
  }

  /** A file argument, e.g. --allow-list or --ignore-file. */
  file(name: string, contents: string): File {
    return make("File", { method: "file", args: [name, contents] }) as unknown as File;
  }

  cacheVolume(key: string): CacheVolume {
    return make("CacheVolume", { method: "cacheVolume", args: [key] }) as unknown as CacheVolume;
  }

  /** The recording behind a Container, Directory, File, Secret or CacheVolume the adapters returned. */
  node(value: unknown): SimNode {
    if (!(value instanceof SimNode)) throw new Error(`dagger simulation: ${String(value)} is not a simulated object`);
    return value;
  }

  /** Every Container root the adapters made with dag.container(). */
  containersCreated(): number {
    return this.dagCalls.filter((c) => c.method === "container").length;
  }

  /** The terminal calls of one kind, e.g. askedFor("Container.publish"). */
  askedFor(what: string): Asked[] {
    return this.asked.filter((a) => a.what === what);
  }

  root(kind: Kind, method: string, args: unknown[]): SimNode {
    const call = { method, args };
    this.dagCalls.push(call);
    return make(kind, call);
  }

  async ask(on: SimNode | undefined, method: string, args: unknown[]): Promise<unknown> {
    if (on === undefined) this.dagCalls.push({ method, args });
    const query: Query = { what: `${on ? on.kind : "dag"}.${method}`, on, method, args };
    let answer = this.script(query);
    if (answer === undefined) answer = defaultAnswer(query);
    if (answer === NO_ANSWER) {
      throw new Error(
        `dagger simulation: nothing answers ${query.what}(${args.map((a) => show(a, 0)).join(", ")}) on ${on?.describe(0) ?? "dag"}; answer it in the test's script`,
      );
    }
    this.asked.push({ ...query, answer });
    return answer;
  }
}

export const simulation = new DaggerSimulation();

function defaultAnswer(q: Query): unknown {
  const on = q.on;
  const [first, second] = q.args;
  switch (q.what) {
    case "dag.defaultPlatform":
      return "linux/amd64";
    // As the engine does, these fail on a container that ran nothing.
    case "Container.exitCode":
      return on!.lastExec() ? 0 : NO_ANSWER;
    case "Container.stdout":
    case "Container.stderr":
      return on!.lastExec() ? "" : NO_ANSWER;
    case "Container.sync":
    case "Directory.sync":
    case "File.sync":
    case "Service.start":
    case "Service.stop":
      return on;
    case "Container.publish": {
      const variants = ((second as { platformVariants?: SimNode[] } | undefined)?.platformVariants ?? [on!]).map((v) => v.describe(Infinity));
      return `${String(first)}@sha256:${createHash("sha256").update(variants.join("\n")).digest("hex")}`;
    }
    case "Secret.plaintext":
      return on!.call.method === "setSecret" ? on!.call.args[1] : NO_ANSWER;
    case "Directory.entries":
    case "Directory.glob":
    case "Directory.exists": {
      const files = tree(on!);
      if (!files) return NO_ANSWER;
      if (q.method === "exists") return pathExists(files, clean(String(first)));
      if (q.method === "glob") return globMatch(files, String(first));
      return entries(files, clean((first as { path?: string } | undefined)?.path ?? "."));
    }
    case "File.contents": {
      const text = fileContents(on!);
      return text === undefined ? NO_ANSWER : text;
    }
    case "File.name":
      return fileName(on!) ?? NO_ANSWER;
  }
  return NO_ANSWER;
}

/** The files of a directory the simulation can see into, by relative path; undefined when it cannot. */
export function tree(dir: SimNode): Map<string, Entry> | undefined {
  const { method, args } = dir.call;
  const parent = dir.parent;
  if (!parent) {
    if (method === "directory") return new Map();
    if (method === "hostDirectory") return diskTree(args[0] as string);
    return undefined;
  }
  if (parent.kind !== "Directory") return undefined; // e.g. Container.directory: only the engine knows
  const files = tree(parent);
  if (!files) return undefined;
  const out = new Map(files);
  const path = clean(String(args[0]));
  switch (method) {
    case "withFile":
      out.set(path, { file: args[1] as SimNode });
      return out;
    case "withNewFile":
      out.set(path, { text: String(args[1]) });
      return out;
    case "withDirectory": {
      const sub = tree(args[1] as SimNode);
      if (!sub) return undefined;
      for (const [p, e] of sub) out.set(clean(`${path}/${p}`), e);
      return out;
    }
    case "withoutFile":
      out.delete(path);
      return out;
    case "withoutDirectory":
      for (const p of files.keys()) if (p.startsWith(`${path}/`)) out.delete(p);
      return out;
    case "directory":
      return new Map([...files].flatMap(([p, e]) => (p.startsWith(`${path}/`) ? [[p.slice(path.length + 1), e] as const] : [])));
    case "withNewDirectory":
    case "withTimestamps":
      return out;
  }
  return undefined;
}

/** What a File holds, when it comes from a directory the simulation can see into or from dag.file. */
export function fileContents(file: SimNode): string | undefined {
  const entry = fileEntry(file);
  if (!entry) return undefined;
  if ("disk" in entry) return readFileSync(entry.disk, "utf8");
  if ("text" in entry) return entry.text;
  return fileContents(entry.file);
}

/** Where a File came from: the entry at its path in its directory, or its own text for dag.file. */
export function fileEntry(file: SimNode): Entry | undefined {
  if (!file.parent) return file.call.method === "file" ? { text: String(file.call.args[1]) } : undefined;
  if (file.call.method === "withName" || file.call.method === "withTimestamps") return fileEntry(file.parent);
  if (file.call.method !== "file" || file.parent.kind !== "Directory") return undefined;
  return tree(file.parent)?.get(clean(String(file.call.args[0])));
}

function fileName(file: SimNode): string | undefined {
  if (file.call.method === "withName") return String(file.call.args[0]);
  if (file.call.method === "file") return basename(String(file.call.args[0]));
  return file.parent ? fileName(file.parent) : undefined;
}

function diskTree(root: string): Map<string, Entry> {
  const files = new Map<string, Entry>();
  const walk = (rel: string) => {
    for (const d of readdirSync(join(root, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) walk(path);
      else files.set(path, { disk: join(root, path) });
    }
  };
  walk("");
  return files;
}

function clean(path: string): string {
  const p = posix.normalize(path).replace(/^\/+/, "").replace(/\/+$/, "");
  return p === "" ? "." : p;
}

function pathExists(files: Map<string, Entry>, path: string): boolean {
  return path === "." || files.has(path) || [...files.keys()].some((p) => p.startsWith(`${path}/`));
}

/** Names directly under `dir`; directories end in "/" as the engine (v0.17 and later) lists them. */
function entries(files: Map<string, Entry>, dir: string): string[] {
  const prefix = dir === "." ? "" : `${dir}/`;
  const names = new Set<string>();
  for (const p of files.keys()) {
    if (!p.startsWith(prefix)) continue;
    const rest = p.slice(prefix.length);
    const slash = rest.indexOf("/");
    names.add(slash === -1 ? rest : `${rest.slice(0, slash)}/`);
  }
  return [...names].sort();
}

/** Files matching a glob (`*` and `?` stay within one path element, `**` crosses them). */
function globMatch(files: Map<string, Entry>, pattern: string): string[] {
  const source = pattern
    .split(/(\*\*\/|\*\*|\*|\?)/)
    .map((part) => ({ "**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]" })[part] ?? part.replace(/[.+^${}()|[\]\\]/g, "\\$&"))
    .join("");
  const re = new RegExp(`^${source}$`);
  return [...files.keys()].filter((p) => re.test(p)).sort();
}

// ---- The module surface src/ imports: dag, the enums and the decorators (no-op passthroughs). ----

export const dag = {
  container: (opts?: Record<string, unknown>) => simulation.root("Container", "container", opts === undefined ? [] : [opts]),
  directory: () => simulation.root("Directory", "directory", []),
  file: (name: string, contents: string, opts?: Record<string, unknown>) =>
    simulation.root("File", "file", opts === undefined ? [name, contents] : [name, contents, opts]),
  cacheVolume: (key: string) => simulation.root("CacheVolume", "cacheVolume", [key]),
  setSecret: (name: string, plaintext: string) => simulation.root("Secret", "setSecret", [name, plaintext]),
  secret: (uri: string) => simulation.root("Secret", "secret", [uri]),
  defaultPlatform: () => simulation.ask(undefined, "defaultPlatform", []),
  /** Gantry's own module: its source is this repository, as the engine loads it (dagger.json's include). */
  currentModule: () => ({ source: () => simulation.hostDirectory(new URL("../../", import.meta.url)) }),
};

/**
 * The SDK's ExecError, with the same fields: what the engine throws when an exec in the evaluated
 * chain exits non-zero. A test's script throws one to answer a query as a failed step.
 */
export class ExecError extends Error {
  override name = "ExecError" as const;
  readonly code = "D109" as const;
  readonly cmd: string[];
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  constructor(message: string, options: { cmd: string[]; exitCode: number; stdout: string; stderr: string }) {
    super(message);
    ({ cmd: this.cmd, exitCode: this.exitCode, stdout: this.stdout, stderr: this.stderr } = options);
  }
}

/** The SDK's enums, with the same wire values. */
export enum CacheSharingMode {
  Locked = "LOCKED",
  Private = "PRIVATE",
  Shared = "SHARED",
}

export enum ReturnType {
  Any = "ANY",
  Failure = "FAILURE",
  Success = "SUCCESS",
}

export const object =
  () =>
  <T>(constructor: T): T =>
    constructor;
export const func =
  (_opts?: unknown) =>
  (_target: object, _key: string | symbol, _descriptor?: PropertyDescriptor): void => {};
export const check =
  () =>
  (_target: object, _key: string | symbol, _descriptor?: PropertyDescriptor): void => {};
export enum ExistsType {
  DirectoryType = "DIRECTORY_TYPE",
  RegularType = "REGULAR_TYPE",
  SymlinkType = "SYMLINK_TYPE",
}
export const argument =
  (_opts?: unknown) =>
  (_target: object, _key: string | undefined, _index: number): void => {};
