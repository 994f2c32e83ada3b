// Loads the module the way the runtime does before serving calls: the SDK's introspector with
// loadModule=true imports every src/ file under tsx (the engine's Node runtime), so decorators run
// and imports resolve for real. Prints the object and function names it found as JSON.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

import { moduleFiles } from "./introspect.js";

const sdkEntry = pathToFileURL(createRequire(import.meta.url).resolve("@dagger.io/dagger"));
const { scan } = (await import(new URL("./module/introspector/index.js", sdkEntry).href)) as {
  scan: (files: string[], name: string, load: boolean) => Promise<{ objects: Record<string, { methods: Record<string, unknown> }> }>;
};
const mod = await scan(moduleFiles(), "gantry", true);
// The functions load the core and the Dagger adapters lazily through package imports (#core/*,
// #dagger/*); import every one the sources name, as the runtime would when a function runs.
for (const specifier of process.argv.slice(2)) await import(specifier);
console.log(JSON.stringify(Object.fromEntries(Object.entries(mod.objects).map(([name, o]) => [name, Object.keys(o.methods)]))));
