// What the engine's TypeScript runtime does on every uncached function call before it calls the
// function: a fresh Node process under tsx imports the SDK, lists every .ts file under src/ plus the
// client bindings, and runs the SDK's scan(files, name) — the TypeScript compiler over those files
// and everything they import, and an import of each file. Run as a child process by the benchmark.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const [srcFiles, bindings, name] = [JSON.parse(process.argv[2]!) as string[], process.argv[3]!, process.argv[4]!];
const sdkEntry = pathToFileURL(createRequire(import.meta.url).resolve("@dagger.io/dagger"));
const { scan } = (await import(new URL("./module/introspector/index.js", sdkEntry).href)) as {
  scan: (files: string[], name: string, load: boolean) => Promise<{ objects: Record<string, unknown> }>;
};
const mod = await scan([...srcFiles, bindings], name, true);
// CPU time of the whole process (start-up, the SDK, the compiler, the imports): unlike wall time, it
// hardly moves when other work shares the machine.
const { user, system } = process.cpuUsage();
console.log(JSON.stringify({ objects: Object.keys(mod.objects).length, cpuMs: (user + system) / 1000 }));
