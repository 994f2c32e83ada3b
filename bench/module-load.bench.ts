// The TypeScript runtime's per-call cost (issue 12): a fresh process scanning and loading the
// module's src/ as the engine's entrypoint does on every uncached call, beside the same work for a
// one-function module. Target: Gantry <= 1.15x the one-function module, whatever the core grows to.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { clientBindingsFile } from "../test/contract/introspect.js";
import { runArgv } from "../test/support/run.js";

const ROUNDS = 7;
const TARGET_RATIO = 1.15;
const root = fileURLToPath(new URL("../", import.meta.url));
const loader = fileURLToPath(new URL("./support/module-load.ts", import.meta.url));

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

function oneFunctionModule(): string {
  const dir = mkdtempSync(join(tmpdir(), "gantry-one-function-"));
  mkdirSync(join(dir, "src"));
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  writeFileSync(
    join(dir, "src/index.ts"),
    'import { func, object } from "@dagger.io/dagger";\n\n/** One function. */\n@object()\nexport class Hello {\n  /** Says hello. */\n  @func()\n  hello(): string {\n    return "hello";\n  }\n}\n',
  );
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { target: "ES2022", module: "ESNext", moduleResolution: "Bundler", experimentalDecorators: true, strict: true } }),
  );
  return dir;
}

/** Wall time and the child's own CPU time of one fresh process doing the runtime's per-call work. */
async function oneCall(moduleDir: string, name: string): Promise<{ wall: number; cpu: number }> {
  const files = tsFiles(join(moduleDir, "src"));
  const started = performance.now();
  const ran = await runArgv([process.execPath, "--import", "tsx", loader, JSON.stringify(files), clientBindingsFile(), name], { cwd: moduleDir });
  const wall = performance.now() - started;
  if (ran.status !== 0) throw new Error(`module load of ${moduleDir} failed:\n${ran.stderr}`);
  return { wall, cpu: (JSON.parse(ran.stdout.trim().split("\n").at(-1)!) as { cpuMs: number }).cpuMs };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export default async function run(): Promise<void> {
  const peer = oneFunctionModule();
  try {
    const gantry: { wall: number; cpu: number }[] = [];
    const one: { wall: number; cpu: number }[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      gantry.push(await oneCall(root, "gantry"));
      one.push(await oneCall(peer, "hello"));
    }
    const [gCpu, oCpu] = [median(gantry.map((r) => r.cpu)), median(one.map((r) => r.cpu))];
    const [gWall, oWall] = [median(gantry.map((r) => r.wall)), median(one.map((r) => r.wall))];
    const ratio = gCpu / oCpu;
    console.log(`src/ files scanned and loaded per call: gantry ${tsFiles(join(root, "src")).length}, one-function module 1`);
    console.log(
      `per-call module load, median of ${ROUNDS} alternated fresh processes: CPU gantry ${gCpu.toFixed(0)} ms, one-function ${oCpu.toFixed(0)} ms; wall ${gWall.toFixed(0)} ms and ${oWall.toFixed(0)} ms`,
    );
    console.log(
      `ratio (CPU) ${ratio.toFixed(2)}x (target <= ${TARGET_RATIO}x): ${ratio <= TARGET_RATIO ? "met" : "MISSED"}; wall ${(gWall / oWall).toFixed(2)}x`,
    );
  } finally {
    rmSync(peer, { recursive: true, force: true });
  }
}
