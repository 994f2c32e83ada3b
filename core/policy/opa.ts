// Open Policy Agent as Gantry runs it: the pinned image, the exact argv of `opa eval`, `opa check`
// and `opa test`, and the reading of eval's JSON answer. The container and the host tests run these
// same argvs (the image's entrypoint is /opa).
import { z } from "zod";

import { GantryError } from "../errors.js";
import { toolImage, type ToolRun } from "../image/tool-run.js";
import { outputTail } from "../tool-failure.js";
import type { PolicyViolation } from "./decision.js";

export const OPA_VERSION = "1.22.4";
/** The static flavour (Chainguard static base, uid 1000:1000, no shell): all `opa eval` needs. */
export const OPA_IMAGE = `openpolicyagent/opa:${OPA_VERSION}-static`;
/** The rule set every policy adds its failures to: `deny contains {"rule", "object", "message"} if ...`. */
export const DENY_QUERY = "data.gantry.deny";
/** Where the adapter mounts Gantry's default policies and the repository's policy directories. */
export const DEFAULT_POLICIES_PATH = "/policies/gantry";
export const REPOSITORY_POLICIES_PATH = "/policies/repository";
export const INPUT_PATH = "/work/input.json";

/** The container path of a policy directory named in the pipeline file (relative to the repository root). */
export function repositoryPolicyPath(directory: string): string {
  return `${REPOSITORY_POLICIES_PATH}/${directory}`;
}

/** `opa eval` of the deny set over the input document, with every policy directory as data. */
export function planOpaEval(options: { directories: string[]; inputPath?: string; image?: string }): ToolRun {
  if (options.directories.length === 0) throw new GantryError("no policy directory to evaluate: an empty policy set would pass everything");
  const data = options.directories.flatMap((d) => ["--data", d]);
  return opa(["eval", "--format", "json", ...data, "--input", options.inputPath ?? INPUT_PATH, DENY_QUERY], options.image);
}

/** `opa check --strict`: parses and type-checks the policies (unused variables and imports are errors). */
export function planOpaCheck(directories: string[], image?: string): ToolRun {
  return opa(["check", "--strict", ...directories], image);
}

/** `opa test`: runs the Rego unit tests (`test_*` rules) beside the policies, reported as JSON. */
export function planOpaTest(directories: string[], image?: string): ToolRun {
  return opa(["test", "--format", "json", ...directories], image);
}

function opa(args: string[], image = OPA_IMAGE): ToolRun {
  return { tool: "opa", image: toolImage(image, "opaImage"), args, env: {}, secretEnv: [] };
}

const violation = z.object({ rule: z.string().min(1), object: z.string().min(1), message: z.string() });
const evalOutput = z.object({
  result: z.array(z.object({ expressions: z.array(z.object({ value: z.unknown() })).min(1) })).optional(),
});

/**
 * The violations in `opa eval --format json`'s answer. An undefined deny set (no policy defines
 * `data.gantry.deny`) or an element that names no rule and object is an error, never a pass.
 */
export function parseDenySet(stdout: string): PolicyViolation[] {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    throw new GantryError(`opa eval: expected its JSON answer, got: ${outputTail(stdout)}`);
  }
  const parsed = evalOutput.safeParse(json);
  if (!parsed.success) throw new GantryError(`opa eval: unexpected answer: ${outputTail(stdout)}`);
  const value = parsed.data.result?.[0]?.expressions[0]?.value;
  if (value === undefined) throw new GantryError(`opa eval: ${DENY_QUERY} is undefined: no policy declares \`package gantry\` with a \`deny\` rule set`);
  const list = z.array(violation).safeParse(value);
  if (!list.success) {
    throw new GantryError(`opa eval: every element of ${DENY_QUERY} must be {"rule", "object", "message"} (strings); got ${outputTail(JSON.stringify(value))}`);
  }
  return list.data.map(({ rule, object, message }) => ({ rule, object, message }));
}
