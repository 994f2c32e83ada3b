// The Dagger TypeScript SDK runtime's steps before a module's first call, ported from its source so
// that a test can take them on this machine: dagger/dagger v0.21.x, sdk/typescript/runtime/
// (config.go: analyzeModuleConfig, detectRuntime, detectPackageManager; runtime_node.go:
// withPackageJSON, NpmPkgManager.withSetupPackageManager and withInstalledDependencies, SetupContainer;
// runtime_bun.go: WithPackageJSON, withInstalledDependencies, SetupContainer;
// tsutils/package_json_updator.go; tsutils/tsconfig_updator.go; tsdistconsts/consts.go).
// Only the paths the runtime takes for Node with npm and for Bun (whose package manager is always
// bun) are ported; another package manager is refused so that a test cannot pass by taking a path
// the engine would not.
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { applyEdits, modify, parse, stripComments } from "jsonc-parser";

/** tsdistconsts.DefaultTypeScriptVersion: the TypeScript the runtime bundles as its "typescript-library". */
export const RUNTIME_TYPESCRIPT = "5.9.3";
/**
 * config.go's NpmDefaultVersion in v0.21.x: the npm of the default image node:24.13.1-alpine
 * (consts.go asks to keep them equal), installed with `npm install -g` when the image has another.
 */
export const RUNTIME_NPM = "11.8.0";
/** ModSourceDirPath: where the module's source sits in the runtime container; the runtime runs as root. */
export const RUNTIME_MODULE_PATH = "/src";

interface PackageJson {
  packageManager?: string;
  dependencies?: Record<string, string>;
  dagger?: { runtime?: string; baseImage?: string };
}

/** What the runtime decides from the module's package.json and the config files present. */
export interface RuntimePlan {
  runtime: "node" | "bun";
  packageManager: "npm" | "bun";
  /** The npm withSetupPackageManager installs (npm only). */
  npmVersion?: string;
  /** The files of the module's source copied in before the install, beside the rewritten package.json. */
  installFiles: string[];
  /** The bundled TypeScript library is bind-mounted at node_modules/typescript. */
  mountsTypeScript: boolean;
  /** withInstalledDependencies returns before installing anything (TypeScript is the only dependency). */
  skipsInstall: boolean;
  /** The install command, run in the module directory with package.json and installFiles only. */
  installArgv: string[];
}

/** config.go's detectRuntime: package.json's dagger.runtime, else a bun lock means bun, else node. */
function detectRuntime(pkg: PackageJson, files: ReadonlySet<string>): "node" | "bun" {
  const [runtime, version] = (pkg.dagger?.runtime ?? "").split("@");
  if (version) throw new Error(`a pinned runtime (${pkg.dagger?.runtime}) picks an unpinned base image: not ported`);
  if (runtime === "node" || runtime === "bun") return runtime;
  if (runtime) throw new Error(`unsupported runtime "${runtime}"`);
  return files.has("bun.lock") || files.has("bun.lockb") ? "bun" : "node";
}

/** config.go's analyzeModuleConfig for a Node or Bun module, and the install decision of runtime_node.go or runtime_bun.go. */
export function planRuntime(packageJsonText: string, files: ReadonlySet<string>): RuntimePlan {
  const pkg = JSON.parse(packageJsonText) as PackageJson;
  // The decision reads the package.json as committed, before the runtime rewrites it.
  const dependencies = pkg.dependencies ?? {};
  const mountsTypeScript = dependencies.typescript === RUNTIME_TYPESCRIPT;
  const skipsInstall = mountsTypeScript && Object.keys(dependencies).length <= 1;
  if (detectRuntime(pkg, files) === "bun") {
    // detectPackageManager: the bun runtime always installs with bun, whatever packageManager says.
    return {
      runtime: "bun",
      packageManager: "bun",
      installFiles: ["bun.lock", "bunfig.toml"],
      mountsTypeScript,
      skipsInstall,
      installArgv: ["bun", "install", "--no-verify", "--omit=dev", "--omit=peer", "--omit=optional"],
    };
  }
  let npmVersion = RUNTIME_NPM;
  if (pkg.packageManager) {
    const [manager, version] = pkg.packageManager.split("@");
    if (!version) throw new Error("packageManager version is missing, please add it to your package.json");
    if (manager !== "npm") throw new Error(`package manager ${manager} is not ported (only npm)`);
    npmVersion = version;
  } else if (!files.has("package-lock.json")) {
    throw new Error("without package-lock.json or packageManager the runtime uses yarn: not ported");
  }
  return {
    runtime: "node",
    packageManager: "npm",
    npmVersion,
    installFiles: ["package-lock.json", ".npmrc"],
    mountsTypeScript,
    skipsInstall,
    installArgv: ["npm", "install", "--omit=dev"],
  };
}

function setJson(text: string, path: (string | number)[], value: unknown): string {
  return applyEdits(text, modify(text, path, value, { formattingOptions: { insertSpaces: true, tabSize: 2 } }));
}

/** package_json_updator.go's UpdatePackageJSON: what the runtime writes over the module's package.json. */
export function runtimePackageJson(text: string): string {
  let out = setJson(stripComments(text), ["type"], "module");
  const pkg = parse(out) as PackageJson;
  if (pkg.dependencies?.typescript === undefined) out = setJson(out, ["dependencies", "typescript"], RUNTIME_TYPESCRIPT);
  return setJson(out, ["dependencies", "@dagger.io/dagger"], undefined);
}

/** tsconfig_updator.go's UpdateTSConfigForModule: the SDK library as paths, decorators on. */
export function runtimeTsconfig(text: string): string {
  let out = stripComments(text);
  out = setJson(out, ["compilerOptions", "paths", "@dagger.io/dagger"], ["./sdk/index.ts"]);
  out = setJson(out, ["compilerOptions", "paths", "@dagger.io/dagger/telemetry"], ["./sdk/telemetry.ts"]);
  return setJson(out, ["compilerOptions", "experimentalDecorators"], true);
}

/** config.go's moduleConfigFiles: the files the runtime handles itself and leaves out of the source copy. */
export const MODULE_CONFIG_FILES = [
  "package.json",
  "tsconfig.json",
  "pnpm-workspace.yaml",
  ".yarnrc.yml",
  "package-lock.json",
  "yarn.lock",
  "pnpm-lock.yaml",
  "bun.lockb",
  "bun.lock",
  "bunfig.toml",
  "deno.json",
  "deno.lock",
];
/** wrappedSourceCodeDirectory also leaves out these. */
export const RUNTIME_OWNED_DIRS = ["sdk", "node_modules"];

/** dagger.json's `include` exclusions ("!dir/") on top of what the runtime leaves out itself. */
function excludedByModule(moduleDir: string): Set<string> {
  const config = JSON.parse(readFileSync(join(moduleDir, "dagger.json"), "utf8")) as { include?: string[] };
  const excluded = (config.include ?? []).filter((p) => p.startsWith("!")).map((p) => p.slice(1).replace(/\/$/, ""));
  return new Set([...excluded, ...MODULE_CONFIG_FILES, ...RUNTIME_OWNED_DIRS, ".git", ".tools"]);
}

/**
 * SetupContainer's merge of the module's source into the runtime's module directory: everything but
 * the config files, sdk/, node_modules/ and dagger.json's exclusions. Returns the directories other than src/.
 */
export function mergeModuleSource(source: string, dir: string): string[] {
  const excluded = excludedByModule(source);
  const sourceDirs: string[] = [];
  for (const entry of readdirSync(source, { withFileTypes: true })) {
    if (excluded.has(entry.name)) continue;
    cpSync(join(source, entry.name), join(dir, entry.name), { recursive: true });
    if (entry.isDirectory() && entry.name !== "src") sourceDirs.push(entry.name);
  }
  return sourceDirs;
}

/**
 * Stand-in for the SDK library the engine generates at sdk/ (its bundled core.js, index.ts,
 * telemetry.ts and the client.gen.ts it renders from the engine's schema): index.ts and telemetry.ts
 * re-export the npm package of the same SDK version, and client.gen.ts holds that package's client
 * declarations (the introspector recognises core types by that file name). `extra` is appended to index.ts.
 */
export function writeSdkStandIn(dir: string, sdkEntry: URL, clientDeclarations: string, extra = ""): void {
  mkdirSync(join(dir, "sdk"), { recursive: true });
  writeFileSync(join(dir, "sdk", "index.ts"), `export * from ${JSON.stringify(sdkEntry.href)};\n${extra}`);
  writeFileSync(join(dir, "sdk", "telemetry.ts"), `export * from ${JSON.stringify(new URL("./telemetry/index.js", sdkEntry).href)};\n`);
  writeFileSync(join(dir, "sdk", "client.gen.ts"), clientDeclarations);
}
