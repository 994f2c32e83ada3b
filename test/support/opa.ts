// OPA on this machine, as its container runs it: the binary scripts/install-opa.sh builds, run as
// the uid OPA's image declares (1000:1000), on policy and input files owned as the adapter mounts
// them (dagger/policy.ts), with the core's argv; only the container paths become host paths.
import { cpSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import type { PolicyConfig } from "../../core/kube/config/types.js";
import type { PolicyEvaluator } from "../../core/policy/admission.js";
import { decisionOf } from "../../core/policy/decision.js";
import { policyDirectories } from "../../core/policy/directories.js";
import { OPA_VERSION, parseDenySet, planOpaEval } from "../../core/policy/opa.js";
import type { ToolRun } from "../../core/image/tool-run.js";
import { TOOL_USERS } from "../../core/tool-access.js";
import { tempDir } from "./oci.js";
import { runArgv, type Ran } from "./run.js";
import { asUser, chownTo } from "./tool-user.js";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const OPA = join(REPO_ROOT, ".tools", "opa", OPA_VERSION, "bin", "opa");
const OPA_USER = TOOL_USERS.opa;

export function requireOpa(): void {
  if (!existsSync(OPA)) throw new Error(`${OPA} is missing: run \`bash scripts/install-opa.sh\` (or \`npm run setup\`)`);
}

/** A core ToolRun of opa, run as OPA's image user; `cwd` is where relative paths resolve. */
export function runOpa(run: ToolRun, cwd: string): Promise<Ran> {
  requireOpa();
  return runArgv(asUser(OPA_USER, [OPA, ...run.args]), { cwd, env: run.env });
}

/** Policy directories copied as the adapter mounts them: OPA's user owns them. */
export async function mountedPolicies(config: PolicyConfig, repository: string): Promise<{ root: string; paths: string[] }> {
  const root = tempDir("gantry-opa-");
  const paths = policyDirectories(config).map((d) => {
    const target = join(root, d.mountPath);
    mkdirSync(target, { recursive: true });
    cpSync(join(d.from === "module" ? REPO_ROOT : repository, d.directory), target, { recursive: true });
    return target;
  });
  mkdirSync(join(root, "work"));
  await chownTo(OPA_USER, root);
  return { root, paths };
}

/** The evaluator the adapter is, on this machine: `opa eval` as uid 1000 over the same files. */
export async function hostOpaEvaluator(config: PolicyConfig, repository = REPO_ROOT): Promise<PolicyEvaluator & { evaluations: number }> {
  const { root, paths } = await mountedPolicies(config, repository);
  const evaluator = {
    evaluations: 0,
    async evaluate(input: unknown) {
      evaluator.evaluations++;
      const inputPath = join(root, "work", `input-${evaluator.evaluations}.json`);
      writeFileSync(inputPath, JSON.stringify(input), { mode: 0o644 });
      await chownTo(OPA_USER, inputPath);
      const ran = await runOpa(planOpaEval({ directories: paths, inputPath }), root);
      if (ran.status !== 0) throw new Error(`opa eval exited ${ran.status}: ${ran.stderr || ran.stdout}`);
      return decisionOf(parseDenySet(ran.stdout));
    },
  };
  return evaluator;
}
