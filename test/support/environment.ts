import type { z } from "zod";

import { FileError } from "../../core/errors.js";
import { environmentFrom, environmentSchema, type EnvironmentDefaults } from "../../core/kube/config/schema.js";
import type { Environment } from "../../core/kube/config/types.js";
import { fieldPath } from "../../core/pipeline/load.js";

// A fixture builder for tests and benchmarks: one environment validated on its own, as the pipeline
// loader would validate it inside a pipeline file. Production reads environments through the loader
// (core/pipeline/load.ts) and core/pipeline/deploy-request.ts, so this lives with the tests.

/** A path into the pipeline file, e.g. ["environments", "staging", "strategy", "steps", 2, "setWeight"]. */
export type FieldPath = (string | number)[];

/** Where the file is, and (when the caller knows it) the line of a field. */
export interface Source {
  file: string;
  lineOf?: (path: FieldPath) => number | undefined;
}

/**
 * Validates `environments.<name>` on its own (the pipeline loader embeds environmentSchema instead)
 * and fills every default. The error is a FileError naming the field path, e.g.
 * `environments.staging.strategy.steps[2].setWeight`, and the line when source.lineOf knows it.
 */
export function normaliseEnvironment(
  name: string,
  value: unknown,
  source: Source,
  defaults: EnvironmentDefaults = {},
  path: FieldPath = ["environments", name],
): Environment {
  const parsed = environmentSchema.safeParse(value);
  if (parsed.success) return environmentFrom(name, parsed.data, defaults);
  const issue = parsed.error.issues[0]!;
  const { at, message } = located(issue);
  const full = [...path, ...at];
  throw new FileError(source.file, message, source.lineOf?.(full), fieldPath(full));
}

function located(issue: z.core.$ZodIssue): { at: FieldPath; message: string } {
  const at = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
  if (issue.code === "unrecognized_keys") return { at: [...at, issue.keys[0]!], message: "unknown setting" };
  if (issue.code === "invalid_key") return { at, message: issue.issues[0]?.message ?? issue.message };
  return { at, message: issue.message };
}
