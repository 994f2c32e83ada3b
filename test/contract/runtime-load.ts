// Copied into the runtime-install test's module directory and run there under tsx with the
// tsconfig the runtime writes: what the runtime's entrypoint does before a call (the SDK's
// introspector imports every src/ file, so decorators run), then what the functions load lazily
// (every package import src/ names, and every file of the other source directories).
// argv: the SDK introspector's URL, the client.gen.ts path, the module's name, the other source dirs.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const [introspector, clientBindings, name, ...otherDirs] = process.argv.slice(2);
const here = dirname(fileURLToPath(import.meta.url));

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

const { scan } = (await import(introspector!)) as {
  scan: (files: string[], name: string, load: boolean) => Promise<{ objects: Record<string, { methods: Record<string, unknown> }> }>;
};
const srcFiles = tsFiles(join(here, "src"));
const mod = await scan([...srcFiles, clientBindings!], name!, true);
const lazy = new Set(srcFiles.flatMap((f) => [...readFileSync(f, "utf8").matchAll(/["'](#[a-z]+\/[^"']+)["']/g)].map((m) => m[1]!)));
for (const specifier of lazy) await import(specifier);
const others = otherDirs.flatMap((d) => tsFiles(join(here, d)));
for (const file of others) await import(pathToFileURL(file).href);
console.log(JSON.stringify({ objects: Object.keys(mod.objects).sort(), lazy: lazy.size, files: srcFiles.length + others.length }));
