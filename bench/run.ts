// Runs every bench/*.bench.ts in turn. Benchmarks print figures against their targets; they never
// fail a build on timing (machines differ), only on errors.
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL(".", import.meta.url));
const only = process.argv[2];
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts") && (!only || f.includes(only)))
  .sort();

for (const file of files) {
  console.log(`\n## ${file}`);
  const bench = (await import(new URL(file, import.meta.url).href)) as { default: () => Promise<void> };
  await bench.default();
}
