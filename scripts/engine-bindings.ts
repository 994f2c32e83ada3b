// Writes the engine test module's offline bindings for its dependency (npm run engine-bindings):
// test/engine/module-bindings/gantry.gen.d.ts, rendered from Gantry's API as the SDK's own
// introspector reads src/ (test/contract/introspect.ts), with the naming and shape rules of the
// engine and the TypeScript codegen (scripts/engine-bindings/). A real engine generates the same
// bindings into test/engine/module/sdk/ on `dagger develop`; this file lives outside the module so
// the two never meet, and serves only `npm run typecheck`. A contract test regenerates it and fails
// on any difference.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { ENGINE_BINDINGS_FILE, engineBindings } from "./engine-bindings/generate.js";

const path = fileURLToPath(new URL(`../${ENGINE_BINDINGS_FILE}`, import.meta.url));
const { text } = await engineBindings();
writeFileSync(path, text);
console.log(`wrote ${ENGINE_BINDINGS_FILE}`);
