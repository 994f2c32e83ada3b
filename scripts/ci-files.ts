// Writes this repository's CI files (.github/workflows/gantry.yml, .gitlab-ci.yml, Jenkinsfile)
// from pipelines/gantry.yaml (npm run ci-files); a unit test fails when the committed files differ
// from what this writes, so the pipeline file stays the one description of the pipeline.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { ciFiles } from "../core/pipeline/ci/files.js";
import { loadPipeline } from "../core/pipeline/load.js";

export const CONFIG = "pipelines/gantry.yaml";

export function repositoryCiFiles(root: string): Record<string, string> {
  const engineVersion = (JSON.parse(readFileSync(`${root}dagger.json`, "utf8")) as { engineVersion: string }).engineVersion;
  return ciFiles(loadPipeline(readFileSync(`${root}${CONFIG}`, "utf8"), CONFIG), { config: CONFIG, engineVersion });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL("../", import.meta.url));
  for (const [path, text] of Object.entries(repositoryCiFiles(root))) {
    writeFileSync(`${root}${path}`, text);
    console.log(`wrote ${path}`);
  }
}
