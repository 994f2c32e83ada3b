// The engine's TypeScript runtime, step by step as its source takes them (test/support/dagger-runtime.ts),
// for Gantry and for the engine test module: the package.json it rewrites, the npm it installs
// (the same version, from the npm registry), its bundled TypeScript bind-mounted read-only at
// node_modules/typescript when the module's spec is exactly the bundled version, `npm install
// --omit=dev` from the lock with that mount in place (as root, in a mount namespace of its own),
// the source merged in, the tsconfig it rewrites, then every module the entrypoint and the
// functions load, under tsx and again under Bun (the runtime's other JavaScript runtime). The SDK
// library is the npm package of the same SDK version standing in for the one the engine generates
// (named so below); everything else is what the engine does.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";

import { clientBindingsFile, clientBindingsSource } from "./introspect.js";
import {
  mergeModuleSource,
  planRuntime,
  RUNTIME_TYPESCRIPT,
  runtimePackageJson,
  runtimeTsconfig,
  writeSdkStandIn,
  type RuntimePlan,
} from "../support/dagger-runtime.js";
import { runArgv, type Ran } from "../support/run.js";
import { runtimeBun } from "../support/runtimes.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const require = createRequire(import.meta.url);
const sdkPackageDir = dirname(dirname(dirname(require.resolve("@dagger.io/dagger"))));
const sdkEntry = pathToFileURL(require.resolve("@dagger.io/dagger"));
const tsxCli = require.resolve("tsx/cli");

const work = mkdtempSync(join(tmpdir(), "gantry-runtime-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Mount namespaces need root and a kernel that allows them; say so rather than pass. */
const mountSkip = await (async () => {
  if (process.getuid?.() !== 0) return "needs root for a mount namespace (the runtime bind-mounts TypeScript)";
  const probe = await runArgv(["unshare", "-m", "true"], { cwd: root });
  return probe.status === 0 ? undefined : `unshare -m failed here: ${probe.stderr.trim()}`;
})();
if (mountSkip) console.warn(`[runtime install skipped] ${mountSkip}`);

/** npm at the runtime's version, from the npm registry, kept under .tools/ between runs. */
async function npmBinDir(version: string): Promise<string> {
  const prefix = join(root, ".tools", "npm", version);
  const bin = join(prefix, "bin");
  if (!existsSync(join(bin, "npm"))) {
    const ran = await runArgv(["npm", "install", "--prefix", prefix, "--no-audit", "--no-fund", `npm@${version}`], { cwd: root });
    if (ran.status !== 0) throw new Error(`installing npm@${version} failed:\n${ran.stderr}`);
    mkdirSync(bin, { recursive: true });
    symlinkSync(join(prefix, "node_modules", "npm", "bin", "npm-cli.js"), join(bin, "npm"));
  }
  return bin;
}

/** The bundled "typescript-library": the typescript package of the runtime's version, without node_modules/.bin. */
function typescriptLibrary(): string {
  const pkg = join(root, "node_modules", "typescript");
  expect(
    (JSON.parse(readFileSync(join(pkg, "package.json"), "utf8")) as { version: string }).version,
    "the host's TypeScript stands in for the bundled one",
  ).toBe(RUNTIME_TYPESCRIPT);
  const lib = join(work, "typescript-library");
  if (!existsSync(lib)) cpSync(pkg, lib, { recursive: true });
  return lib;
}

/** The enums a bindings declaration file declares, as the values the generated client exports. */
function enumValues(declarations: string): string {
  const file = ts.createSourceFile("bindings.d.ts", declarations, ts.ScriptTarget.ES2022);
  const enums: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isEnumDeclaration(node)) {
      const members = node.members.map((m) => `${m.name.getText(file)}: ${(m.initializer as ts.StringLiteral).getText(file)}`);
      enums.push(`export const ${node.name.text} = { ${members.join(", ")} } as const;`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return enums.join("\n");
}

interface Installed {
  plan: RuntimePlan;
  /** The module directory, /src in the runtime container. */
  dir: string;
  /** The runtime's steps, each with its result, in order. */
  install: Ran;
  load: Ran;
  /** The same load under Bun, the runtime's other JavaScript runtime (its `bun run`, no tsx). */
  bunLoad: Ran;
}

/** Takes the runtime's steps for the module at moduleDir (relative to the repository), in a fresh /src. */
async function runAsRuntime(moduleDir: string, name: string, bindings?: string): Promise<Installed> {
  const source = join(root, moduleDir);
  const files = new Set(readdirSync(source));
  const plan = planRuntime(readFileSync(join(source, "package.json"), "utf8"), files);
  const dir = join(work, name, "src");
  mkdirSync(dir, { recursive: true });
  // withPackageJSON, then the lock files alone (withInstalledDependencies).
  writeFileSync(join(dir, "package.json"), runtimePackageJson(readFileSync(join(source, "package.json"), "utf8")));
  for (const f of plan.installFiles) if (files.has(f)) cpSync(join(source, f), join(dir, f));
  const bun = await runtimeBun();
  // The runtime container's environment, not this test runner's (npx passes npm_config_* along).
  // Its root has no ~/.npmrc; its package cache (a cache volume at /root/.npm or
  // /root/.bun/install/cache) is this machine's.
  const home = join(work, "home");
  if (!existsSync(home)) {
    mkdirSync(join(home, ".bun", "install"), { recursive: true });
    symlinkSync(join(homedir(), ".npm"), join(home, ".npm"));
    mkdirSync(join(root, ".tools", "bun", "install-cache"), { recursive: true });
    symlinkSync(join(root, ".tools", "bun", "install-cache"), join(home, ".bun", "install", "cache"));
  }
  // The node image has npm (set up at the runtime's version below); the bun image has bun.
  const bin = plan.packageManager === "npm" ? await npmBinDir(plan.npmVersion!) : dirname(bun.path);
  // The node runtime trusts the system's CAs (--use-openssl-ca); Bun trusts its own bundle and
  // NODE_EXTRA_CA_CERTS, through which this machine's registry proxy CA is passed (not an engine step).
  const trust =
    plan.runtime === "node"
      ? ["NODE_OPTIONS=--use-openssl-ca"]
      : process.env.NODE_EXTRA_CA_CERTS
        ? [`NODE_EXTRA_CA_CERTS=${process.env.NODE_EXTRA_CA_CERTS}`]
        : [];
  const env = ["env", "-i", `PATH=${bin}:${process.env.PATH}`, `HOME=${home}`, ...trust];
  const mount = plan.mountsTypeScript
    ? `mkdir -p node_modules/typescript && mount --bind "$TS_LIB" node_modules/typescript && mount -o remount,bind,ro node_modules/typescript`
    : "true";
  // npm's withSetupPackageManager's exact command (bun has none), then the install unless the runtime returns early.
  const setup = plan.npmVersion ? `npm -v | grep -qx ${plan.npmVersion.replaceAll(".", "\\.")} || npm install -g npm@${plan.npmVersion}` : "true";
  const install = plan.skipsInstall ? "true" : plan.installArgv.map((a) => `'${a}'`).join(" ");
  const tsLib = `TS_LIB=${plan.mountsTypeScript ? typescriptLibrary() : ""}`;
  const installed = await runArgv([...env, tsLib, "unshare", "-m", "sh", "-ec", `${mount}\n${setup}\n${install}`], { cwd: dir, timeoutMs: 5 * 60_000 });
  if (installed.status !== 0) {
    const notRun = { status: -1, stdout: "", stderr: "not run: the install failed" };
    return { plan, dir, install: installed, load: notRun, bunLoad: notRun };
  }
  // SetupContainer: the source merged in (config files, sdk/ and node_modules/ left out), the SDK
  // library at sdk/ and node_modules/@dagger.io/dagger, the rewritten tsconfig.json.
  const sourceDirs = mergeModuleSource(source, dir);
  // A module with dependencies also gets their generated enums as values (the engine test module's
  // bindings for Gantry, rendered offline by scripts/engine-bindings.ts).
  writeSdkStandIn(dir, sdkEntry, clientBindingsSource(), bindings ? enumValues(readFileSync(join(root, bindings), "utf8")) : "");
  mkdirSync(join(dir, "node_modules", "@dagger.io"), { recursive: true });
  symlinkSync(sdkPackageDir, join(dir, "node_modules", "@dagger.io", "dagger"));
  writeFileSync(join(dir, "tsconfig.json"), runtimeTsconfig(readFileSync(join(source, "tsconfig.json"), "utf8")));
  cpSync(fileURLToPath(new URL("./runtime-load.ts", import.meta.url)), join(dir, "__runtime_load.ts"));
  const introspector = new URL("./module/introspector/index.js", sdkEntry).href;
  const loadArgs = [introspector, clientBindingsFile(), name, ...sourceDirs];
  const tsx = [process.execPath, tsxCli, "--no-deprecation", "--tsconfig", join(dir, "tsconfig.json"), join(dir, "__runtime_load.ts"), ...loadArgs];
  const inRuntime = (argv: string[]) => runArgv([...env, tsLib, "unshare", "-m", "sh", "-ec", `${mount}\nexec "$@"`, "runtime", ...argv], { cwd: dir });
  const load = await inRuntime(tsx);
  // runtime_bun.go runs `bun run <entrypoint>` from /src, where Bun reads tsconfig.json's paths itself.
  const bunLoad = await inRuntime([bun.path, "run", join(dir, "__runtime_load.ts"), ...loadArgs]);
  return { plan, dir, install: installed, load, bunLoad };
}

const modules: { dir: string; name: string; runtime: "node" | "bun"; objects: string[]; minFiles: number; bindings?: string }[] = [
  { dir: ".", name: "gantry", runtime: "bun", objects: ["Gantry", "Image", "PipelineRun", "Rollout", "ScanReport", "TestReport"], minFiles: 150 },
  {
    dir: "test/engine/module",
    name: "engine-tests",
    runtime: "node",
    objects: ["EngineTests"],
    minFiles: 10,
    bindings: "test/engine/module-bindings/gantry.gen.d.ts",
  },
];

describe.skipIf(mountSkip !== undefined)("the runtime's install and load, as the engine takes them", () => {
  for (const mod of modules) {
    describe(mod.name, () => {
      let ran: Installed;
      it(`installs as the ${mod.runtime} runtime does, its TypeScript mounted where it would mount it`, async () => {
        ran = await runAsRuntime(mod.dir, mod.name, mod.bindings);
        expect(ran.plan.runtime).toBe(mod.runtime);
        expect(ran.install.stderr, `${ran.plan.installArgv.join(" ")} as the runtime runs it`).not.toMatch(/npm error|^error:/m);
        expect(ran.install.status).toBe(0);
        expect(existsSync(join(ran.dir, "node_modules", "vitest")), "dev dependencies stay out").toBe(false);
      }, 300_000);

      it("loads every module the entrypoint and the functions import under tsx (the node runtime's command)", () => {
        expect(ran.load.stderr).not.toMatch(/Error/);
        expect(ran.load.status).toBe(0);
        const loaded = JSON.parse(ran.load.stdout.trim().split("\n").at(-1)!) as { objects: string[]; lazy: number; files: number };
        expect(loaded.objects).toEqual(expect.arrayContaining(mod.objects));
        expect(loaded.files).toBeGreaterThanOrEqual(mod.minFiles);
      }, 120_000);

      it("loads the same under Bun (the runtime's bun image version), whose resolver maps no .js to .ts", () => {
        expect(ran.bunLoad.stderr).not.toMatch(/Error|Cannot find/);
        expect(ran.bunLoad.status).toBe(0);
        expect(JSON.parse(ran.bunLoad.stdout.trim().split("\n").at(-1)!)).toEqual(JSON.parse(ran.load.stdout.trim().split("\n").at(-1)!));
      }, 120_000);
    });
  }
});

describe("the runtime's decisions, ported from its source", () => {
  const lock = new Set(["package.json", "package-lock.json"]);
  it("mounts its TypeScript only for exactly its version, and installs over it when other dependencies exist", () => {
    const exact = planRuntime(JSON.stringify({ dependencies: { typescript: RUNTIME_TYPESCRIPT, yaml: "^2" } }), lock);
    expect(exact).toMatchObject({ mountsTypeScript: true, skipsInstall: false, npmVersion: "11.8.0" });
    expect(planRuntime(JSON.stringify({ dependencies: { typescript: RUNTIME_TYPESCRIPT } }), lock)).toMatchObject({
      mountsTypeScript: true,
      skipsInstall: true,
    });
    expect(planRuntime(JSON.stringify({ dependencies: { typescript: `~${RUNTIME_TYPESCRIPT}`, yaml: "^2" } }), lock)).toMatchObject({
      mountsTypeScript: false,
      skipsInstall: false,
    });
  });

  it("takes npm's version from packageManager and refuses the paths it has not ported", () => {
    expect(planRuntime(JSON.stringify({ packageManager: "npm@10.9.2" }), lock).npmVersion).toBe("10.9.2");
    expect(() => planRuntime(JSON.stringify({ packageManager: "npm" }), lock)).toThrow(/version is missing/);
    expect(() => planRuntime(JSON.stringify({ packageManager: "pnpm@9.0.0" }), lock)).toThrow(/not ported/);
    expect(() => planRuntime("{}", new Set(["package.json"]))).toThrow(/yarn/);
  });

  it("runs Bun when package.json's dagger.runtime or else a bun lock says so, and installs with bun from bun.lock", () => {
    const bun = planRuntime(JSON.stringify({ dagger: { runtime: "bun" }, packageManager: "npm@10.9.2", dependencies: { yaml: "^2" } }), lock);
    expect(bun).toEqual({
      runtime: "bun",
      packageManager: "bun",
      installFiles: ["bun.lock", "bunfig.toml"],
      mountsTypeScript: false,
      skipsInstall: false,
      installArgv: ["bun", "install", "--no-verify", "--omit=dev", "--omit=peer", "--omit=optional"],
    });
    expect(planRuntime("{}", new Set(["package.json", "bun.lock"])).runtime).toBe("bun");
    expect(planRuntime(JSON.stringify({ dagger: { runtime: "node" } }), new Set(["package.json", "package-lock.json", "bun.lock"])).runtime).toBe("node");
    expect(() => planRuntime(JSON.stringify({ dagger: { runtime: "bun@1.3.0" } }), lock)).toThrow(/not ported/);
    expect(() => planRuntime(JSON.stringify({ dagger: { runtime: "deno" } }), lock)).toThrow(/unsupported/);
  });

  it("rewrites package.json and tsconfig.json as its updators do", () => {
    const pkg = JSON.parse(runtimePackageJson('{"name":"m",/* c */"dependencies":{"@dagger.io/dagger":"./sdk"}}')) as Record<string, unknown>;
    expect(pkg).toEqual({ name: "m", type: "module", dependencies: { typescript: RUNTIME_TYPESCRIPT } });
    const ts = JSON.parse(runtimeTsconfig('{"compilerOptions":{"strict":true}}')) as { compilerOptions: Record<string, unknown> };
    expect(ts.compilerOptions).toEqual({
      strict: true,
      experimentalDecorators: true,
      paths: { "@dagger.io/dagger": ["./sdk/index.ts"], "@dagger.io/dagger/telemetry": ["./sdk/telemetry.ts"] },
    });
  });
});
