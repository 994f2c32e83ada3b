// The hostile pipeline corpus (test/fixtures/ci-hostile): each file is a pipeline whose first line
// says what must happen to it, `# expect: generated` or `# expect: refused <field>: <words of the
// message>` (a field path of the file, or a ci-files flag such as --engine-version), and whose
// optional `# options: {...}` line gives the ci-files arguments (JSON) over the defaults.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { ciFiles } from "../../core/pipeline/ci/files.js";
import type { CiOptions } from "../../core/pipeline/ci/shared.js";
import { loadPipeline } from "../../core/pipeline/load.js";
import type { Pipeline } from "../../core/pipeline/schema.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
export const CORPUS_DIR = join(root, "test/fixtures/ci-hostile");
const ENGINE_VERSION = (JSON.parse(readFileSync(join(root, "dagger.json"), "utf8")) as { engineVersion: string }).engineVersion;

export type Expected = { kind: "generated" } | { kind: "refused"; field: string; message: string };

export interface HostileCase {
  name: string;
  /** The pipeline file's path as the loader names it. */
  file: string;
  text: string;
  options: CiOptions;
  expected: Expected;
}

export type Outcome = { kind: "generated"; pipeline: Pipeline; files: Record<string, string> } | { kind: "refused"; error: Error };

export function hostileCases(): HostileCase[] {
  return readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => {
      const text = readFileSync(join(CORPUS_DIR, f), "utf8");
      const expect = /^# expect: (generated|refused (\S+): (.+))$/m.exec(text);
      if (!expect) throw new Error(`${f}: the first line must say "# expect: generated" or "# expect: refused <field>: <message>"`);
      const options = /^# options: (.+)$/m.exec(text);
      const file = `test/fixtures/ci-hostile/${f}`;
      return {
        name: f.replace(/\.yaml$/, ""),
        file,
        text,
        options: { config: file, engineVersion: ENGINE_VERSION, ...(options ? (JSON.parse(options[1]!) as Partial<CiOptions>) : {}) },
        expected: expect[1] === "generated" ? { kind: "generated" } : { kind: "refused", field: expect[2]!, message: expect[3]! },
      };
    });
}

/** Loads the case's pipeline and writes its three CI files, or says how it was refused. */
export function outcome(c: HostileCase): Outcome {
  try {
    const pipeline = loadPipeline(c.text, c.file);
    return { kind: "generated", pipeline, files: ciFiles(pipeline, c.options) };
  } catch (error) {
    return { kind: "refused", error: error as Error };
  }
}

/** The generated cases with their files, generated once. */
export function generatedCases(): { c: HostileCase; pipeline: Pipeline; files: Record<string, string> }[] {
  return hostileCases().flatMap((c) => {
    if (c.expected.kind !== "generated") return [];
    const o = outcome(c);
    if (o.kind !== "generated") throw new Error(`${c.name}: expected generated files, got ${o.error.message}`);
    return [{ c, pipeline: o.pipeline, files: o.files }];
  });
}
