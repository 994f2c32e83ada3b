// The entrypoint the Dagger TypeScript runtime mounts at src/__dagger.entrypoint.ts of the module
// (dagger/dagger v0.21.x sdk/typescript/runtime/tsutils/bin/__dagger.entrypoint.ts), ported: it lists
// every .ts and .mts file under src/ (itself included), the last listed first, with the generated
// sdk/client.gen.ts (the bundled SDK library's layout) once per directory, and hands them to the
// SDK's entrypoint without awaiting it.
// Copied into a runtime-like module directory and run there by the runtime's command line.
import { entrypoint } from "@dagger.io/dagger";
import { existsSync, readdirSync, statSync } from "node:fs";
import { extname, join } from "node:path";

const here = import.meta.dirname;

function moduleFiles(dir: string): string[] {
  const nested = readdirSync(dir).map((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return moduleFiles(path);
    return [".ts", ".mts"].includes(extname(path)) ? [path] : [];
  });
  // A local (non-bundled) SDK library keeps its client under src/api/.
  const client = existsSync(join(here, "../sdk/package.json")) ? "src/api/client.gen.ts" : "client.gen.ts";
  return nested.reduce((all, files) => [...files, ...all], [join(here, "../sdk", client)]);
}

void entrypoint(moduleFiles(here));
