// The whole per-call path of the Dagger TypeScript runtime (issue 24), offline: what a `dagger call`
// of one Gantry function costs before the function's own first API request, beside a one-function
// module, under Node (tsx) and under Bun. Built from the runtime's source (dagger/dagger v0.21.x
// sdk/typescript/runtime/): the module directory laid out as SetupContainer lays /src (the
// rewritten package.json and tsconfig.json, the source merged in, the SDK library at sdk/ and
// node_modules/@dagger.io/dagger, the entrypoint at src/__dagger.entrypoint.ts), then per call a fresh
// process with the runtime's command line (runtime_node.go: `tsx --no-deprecation --tsconfig
// /src/tsconfig.json /src/src/__dagger.entrypoint.ts`; runtime_bun.go: `bun run
// /src/src/__dagger.entrypoint.ts`) running the SDK's real entrypoint: it connects, asks for the
// module's name, scans the module with the TypeScript compiler, asks for the call, imports the files,
// invokes the function, and the function runs up to its first API request. A SIMULATION of the
// engine's GraphQL endpoint (bench/support/engine-endpoint.ts) answers and times every request.
//
// How it differs from the engine: no container starts and no engine session is set up (the
// engine's trace counts those in the time before the SDK connects), no network but loopback, no
// install (node_modules links this checkout's copies of what `npm install --omit=dev` or `bun
// install` would install, so the install's cost after an edit is not here); the SDK library is the
// npm package of the same SDK version (its compiled dist/, many files, with its own TypeScript 6 for
// the introspector) where the engine mounts a generated bundle and a client.gen.ts rendered from its
// schema, transpiled per call; tsx is this checkout's, not the one bundled in the engine; the function
// is stopped at its first request, so code it loads after an answer is not counted. OTEL_*
// variables are set as the engine's telemetry sets them for a container (assumed, not read from its
// source: an OTLP endpoint, here on the simulation, its protocol, live traces, TRACEPARENT), so the
// SDK starts OpenTelemetry as it would there. Each call gets a fresh TMPDIR (tsx's transform cache
// lives there and a runtime container starts without it); Bun's transpiler cache stays in its HOME,
// as the runtime keeps /root/.bun/install/cache in a cache volume.
//
// Calls per user action, the other half of the cost: values read from a returned object are fields
// (TestReport's counts and reports, ScanReport's verdict and reports, Rollout.markdown,
// PipelineRun.summary), served by the engine from the object's state without a runtime call; the
// report case here is therefore TestReport.check, the one kind of method left (it can fail).
// The fresh-build figure (an engine measurement, empty Go cache volumes: 21.9 s against 15.8 s for a
// Go-SDK module) is not reproduced here: it is mostly `go mod download` and a cold compile in the
// golang container, the same on both sides. What Gantry added to it was an extra constructor run:
// new cache names could only come from the pipeline file or the constructor. `build` and `test` now
// take --module-cache and --build-cache, so an empty-cache build is one runtime call, like any other.
//
// Figures: CPU time (user + system) of the call's process tree at the function's first request,
// which hardly moves when others share the machine, and wall time; medians of alternated rounds.
// GANTRY_BENCH_ROUNDS (default 5) sets the rounds, GANTRY_BENCH_CASES=build,deploy picks cases (the
// one-function module always runs), GANTRY_BENCH_DEBUG=1 prints a failed call's whole stderr.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { clientBindingsSource } from "../test/contract/introspect.js";
import { mergeModuleSource, runtimePackageJson, runtimeTsconfig, writeSdkStandIn } from "../test/support/dagger-runtime.js";
import { EngineEndpointSimulation, type FirstRequest, type SimulatedCall } from "./support/engine-endpoint.js";
import { runtimeBun, runtimeNode, type Binary } from "../test/support/runtimes.js";

const ROUNDS = Number(process.env.GANTRY_BENCH_ROUNDS ?? 5);
/** Gantry's per-call CPU against the one-function module's, under the runtime Gantry runs on. */
const TARGET_RATIO = 1.15;

const root = fileURLToPath(new URL("../", import.meta.url));
const require = createRequire(import.meta.url);
const sdkEntryPath = require.resolve("@dagger.io/dagger");
const sdkEntry = pathToFileURL(sdkEntryPath);
const tsxCli = require.resolve("tsx/cli");
const entrypointPort = fileURLToPath(new URL("../test/support/runtime-entrypoint.ts", import.meta.url));

interface Runtime {
  name: "node" | "bun";
  binary: Binary;
  argv: (moduleDir: string) => string[];
  env: Record<string, string>;
}

/** A module directory as SetupContainer lays out /src, from a source directory with package.json and tsconfig.json. */
function layOut(source: string, dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), runtimePackageJson(readFileSync(join(source, "package.json"), "utf8")));
  writeFileSync(join(dir, "tsconfig.json"), runtimeTsconfig(readFileSync(join(source, "tsconfig.json"), "utf8")));
  installedPackages(source, dir);
  mergeModuleSource(source, dir);
  writeSdkStandIn(dir, sdkEntry, clientBindingsSource());
  cpSync(entrypointPort, join(dir, "src", "__dagger.entrypoint.ts"));
  return dir;
}

/**
 * Stand-in for `npm install --omit=dev`: node_modules holds links to this checkout's copies of the
 * packages the lock installs without dev dependencies, plus the SDK library the runtime mounts at
 * node_modules/@dagger.io/dagger. So the SDK's scan (whose TypeScript program takes every
 * node_modules/@types package it finds) sees what it sees in the engine.
 */
function installedPackages(source: string, dir: string): void {
  const lockPath = join(source, "package-lock.json");
  const lock = existsSync(lockPath) ? (JSON.parse(readFileSync(lockPath, "utf8")) as { packages: Record<string, { dev?: boolean }> }) : { packages: {} };
  const names = Object.entries(lock.packages)
    .filter(([path, entry]) => path.startsWith("node_modules/") && !path.slice("node_modules/".length).includes("node_modules/") && !entry.dev)
    .map(([path]) => path.slice("node_modules/".length));
  // The one-function module's only dependency is the runtime's own TypeScript.
  for (const name of lock.packages[""] ? names : ["typescript"]) {
    mkdirSync(dirname(join(dir, "node_modules", name)), { recursive: true });
    symlinkSync(join(root, "node_modules", name), join(dir, "node_modules", name));
  }
  mkdirSync(join(dir, "node_modules", "@dagger.io"), { recursive: true });
  symlinkSync(dirname(dirname(dirname(sdkEntryPath))), join(dir, "node_modules", "@dagger.io", "dagger"));
}

/** The one-function module the runtime's template makes, its function reading its argument once. */
function oneFunctionSource(dir: string): string {
  mkdirSync(join(dir, "src"), { recursive: true });
  writeFileSync(join(dir, "dagger.json"), JSON.stringify({ name: "hello", sdk: { source: "typescript" } }));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", dependencies: { typescript: "5.9.3" } }));
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", experimentalDecorators: true, strict: true } }),
  );
  writeFileSync(
    join(dir, "src/index.ts"),
    'import { func, object, type Directory } from "@dagger.io/dagger";\n\n/** One function. */\n@object()\nexport class Hello {\n  /** Lists a directory. */\n  @func()\n  async hello(source: Directory): Promise<string[]> {\n    return source.entries();\n  }\n}\n',
  );
  return dir;
}

const settings = { config: "pipelines/gantry.yaml", ref: "", version: "", commit: "", sourceDateEpoch: 0 };
const gantryState = { settings };
const source = "sim-directory-repository";
/** Environment's state as the runtime hands it back: the nested Settings and ClusterAccess objects as JSON, the source as an ID. */
const environmentState = { settings, source, name: "", access: { kubectlImage: "" } };
const cases: { label: string; module: "hello" | "gantry"; call: SimulatedCall }[] = [
  { label: "one-function module", module: "hello", call: { module: "hello", parentName: "Hello", name: "hello", parent: {}, args: { source } } },
  { label: "gantry build", module: "gantry", call: { module: "gantry", parentName: "Gantry", name: "build", parent: gantryState, args: { source } } },
  { label: "gantry test", module: "gantry", call: { module: "gantry", parentName: "Gantry", name: "test", parent: gantryState, args: { source } } },
  {
    label: "gantry TestReport.check",
    module: "gantry",
    call: {
      module: "gantry",
      parentName: "TestReport",
      name: "check",
      parent: { exitCode: 0, tests: 1, passed: 1, failed: 0, skipped: 0, coverage: 0, ok: true, summary: "", failure: "" },
      args: {},
    },
  },
  {
    label: "gantry environment deploy",
    module: "gantry",
    call: { module: "gantry", parentName: "Environment", name: "deploy", parent: environmentState, args: {} },
  },
];

interface Sample {
  wall: number;
  cpu: number;
  /** CPU of the process start, the runtime, the SDK and its connection, up to the first request. */
  start: number;
  /** CPU of the SDK's scan: it imports every src/ file, then analyses them with the TypeScript compiler. */
  scan: number;
  /** CPU from the call's arguments read to the function's first request: invoke and the function's own imports. */
  load: number;
  firstQuery: string;
}

async function oneCall(endpoint: EngineEndpointSimulation, runtime: Runtime, moduleDir: string, call: SimulatedCall, scratch: string): Promise<Sample> {
  const tmp = mkdtempSync(join(scratch, "tmp-"));
  const started = performance.now();
  const [cmd, ...args] = runtime.argv(moduleDir);
  const child = spawn(cmd!, args, { cwd: moduleDir, env: { ...runtime.env, TMPDIR: tmp }, detached: true, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const first = endpoint.serve(call, child.pid!, started);
  let reached: FirstRequest;
  try {
    reached = await Promise.race([
      first,
      exited.then((): never => {
        throw new Error(
          `${runtime.name} ${call.parentName}.${call.name} ended before its first API request:\n${process.env.GANTRY_BENCH_DEBUG ? stderr : stderr.trim().split("\n").slice(0, 6).join("\n")}`,
        );
      }),
    ]);
  } finally {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
    await exited;
    rmSync(tmp, { recursive: true, force: true });
  }
  if (reached.failed) throw new Error(`${runtime.name} ${call.parentName}.${call.name} failed before its first API request: ${reached.failed}`);
  const cpuAt = (label: string) => endpoint.requests.find((r) => r.answered === label)?.cpuMs ?? NaN;
  const lastAnswered = endpoint.requests.filter((r) => r.answered).at(-1)!.cpuMs;
  return {
    wall: reached.at,
    cpu: reached.cpuMs,
    start: cpuAt("currentModule.name"),
    scan: cpuAt("currentFunctionCall.parentName") - cpuAt("currentModule.name"),
    load: reached.cpuMs - lastAnswered,
    firstQuery: reached.query,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(0)} ms`.padStart(8);

async function runtimes(port: number, token: string, home: string): Promise<{ ready: Runtime[]; missing: string[] }> {
  const env = {
    PATH: "/usr/local/bin:/usr/bin:/bin",
    HOME: home,
    DAGGER_SESSION_PORT: String(port),
    DAGGER_SESSION_TOKEN: token,
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${port}/v1/traces`,
    OTEL_EXPORTER_OTLP_TRACES_LIVE: "1",
    TRACEPARENT: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
  };
  const ready: Runtime[] = [];
  const missing: string[] = [];
  try {
    const node = await runtimeNode();
    ready.push({
      name: "node",
      binary: node,
      argv: (dir) => [node.path, tsxCli, "--no-deprecation", "--tsconfig", join(dir, "tsconfig.json"), join(dir, "src", "__dagger.entrypoint.ts")],
      env: { ...env, NODE_OPTIONS: "--use-openssl-ca" },
    });
  } catch (e) {
    missing.push(`node: ${(e as Error).message}`);
  }
  try {
    const bun = await runtimeBun();
    ready.push({ name: "bun", binary: bun, argv: (dir) => [bun.path, "run", join(dir, "src", "__dagger.entrypoint.ts")], env });
  } catch (e) {
    missing.push(`bun: ${(e as Error).message}`);
  }
  return { ready, missing };
}

export default async function run(): Promise<void> {
  const only = process.env.GANTRY_BENCH_CASES?.split(",");
  const chosen = only ? cases.filter((c, i) => i === 0 || only.some((o) => c.label.includes(o))) : cases;
  const scratch = mkdtempSync(join(tmpdir(), "gantry-call-path-"));
  const endpoint = new EngineEndpointSimulation();
  try {
    const port = await endpoint.listen();
    const modules = {
      hello: layOut(oneFunctionSource(join(scratch, "hello-source")), join(scratch, "hello", "src")),
      gantry: layOut(root, join(scratch, "gantry", "src")),
    };
    const { ready, missing } = await runtimes(port, endpoint.token, join(scratch, "home"));
    for (const m of missing) console.log(`runtime not measured: ${m}`);
    const load0 = loadavg()[0]!;
    // One warm-up call per runtime and case (the OS page cache, Bun's transpiler cache), which also
    // finds the cases a runtime cannot run.
    const failed = new Map<string, string>();
    for (const c of chosen) {
      for (const rt of ready) {
        try {
          await oneCall(endpoint, rt, modules[c.module], c.call, scratch);
        } catch (e) {
          failed.set(`${rt.name}|${c.label}`, (e as Error).message);
        }
      }
    }
    const samples = new Map<string, Sample[]>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const c of chosen) {
        for (const rt of ready) {
          const key = `${rt.name}|${c.label}`;
          if (failed.has(key)) continue;
          samples.set(key, [...(samples.get(key) ?? []), await oneCall(endpoint, rt, modules[c.module], c.call, scratch)]);
        }
      }
    }
    const runtime = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { dagger?: { runtime?: string } }).dagger?.runtime ?? "node";
    console.log(`Gantry's runtime (package.json dagger.runtime): ${runtime}; the other is measured for comparison`);
    console.log(
      `per-call path up to the function's first API request, median of ${ROUNDS} alternated fresh processes; load average ${load0.toFixed(1)} -> ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`,
    );
    for (const rt of ready) {
      console.log(
        `\n${rt.name} ${rt.binary.version}${rt.name === "node" ? " + tsx" : ""}, CPU of which start, scan and load; wall\n${" ".repeat(28)}     CPU   start    scan    load     wall  CPU ratio  wall ratio`,
      );
      const base = samples.get(`${rt.name}|${cases[0]!.label}`);
      for (const c of chosen) {
        const key = `${rt.name}|${c.label}`;
        const s = samples.get(key);
        if (!s) {
          console.log(`  ${c.label.padEnd(26)} FAILED: ${failed.get(key)}`);
          continue;
        }
        const [cpu, wall] = [median(s.map((x) => x.cpu)), median(s.map((x) => x.wall))];
        const ratio = base
          ? `${(cpu / median(base.map((x) => x.cpu))).toFixed(2)}x`.padStart(9) + `${(wall / median(base.map((x) => x.wall))).toFixed(2)}x`.padStart(11)
          : "";
        console.log(
          `  ${c.label.padEnd(26)}${ms(cpu)}${ms(median(s.map((x) => x.start)))}${ms(median(s.map((x) => x.scan)))}${ms(median(s.map((x) => x.load)))} ${ms(wall)}${ratio}`,
        );
      }
    }
    const gantryRatios = ready
      .filter((rt) => rt.name === runtime)
      .flatMap((rt) => {
        const base = samples.get(`${rt.name}|${cases[0]!.label}`);
        if (!base) return [];
        return chosen.slice(1).flatMap((c) => {
          const s = samples.get(`${rt.name}|${c.label}`);
          return s ? [{ what: `${rt.name} ${c.label}`, ratio: median(s.map((x) => x.cpu)) / median(base.map((x) => x.cpu)) }] : [];
        });
      });
    const worst = gantryRatios.sort((a, b) => b.ratio - a.ratio)[0];
    if (worst)
      console.log(
        `\nworst CPU ratio to the one-function module under Gantry's runtime: ${worst.ratio.toFixed(2)}x (${worst.what}); target <= ${TARGET_RATIO}x: ${worst.ratio <= TARGET_RATIO ? "met" : "MISSED"}`,
      );
    const node = ready.find((r) => r.name === "node");
    const bun = ready.find((r) => r.name === "bun");
    if (node && bun) {
      for (const c of chosen) {
        const [n, b] = [samples.get(`node|${c.label}`), samples.get(`bun|${c.label}`)];
        if (n && b)
          console.log(
            `bun / node, ${c.label}: CPU ${(median(b.map((x) => x.cpu)) / median(n.map((x) => x.cpu))).toFixed(2)}x, wall ${(median(b.map((x) => x.wall)) / median(n.map((x) => x.wall))).toFixed(2)}x`,
          );
      }
    }
    const firstQueries = new Set(
      [...samples.entries()].filter(([k]) => !k.endsWith(cases[0]!.label)).map(([k, s]) => `${k.split("|")[1]}: ${s[0]!.firstQuery}`),
    );
    console.log(`\nthe functions' first API requests (where the measurement stops):\n${[...firstQueries].map((q) => `  ${q}`).join("\n")}`);
  } finally {
    await endpoint.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}
