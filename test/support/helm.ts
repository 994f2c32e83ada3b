// The real helm for host tests: the version scripts/install-helm.sh builds, run with the core's
// exact argv as the uid its container image runs as, its state in a temporary directory.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { HELM_VERSION, helmEnv } from "../../core/kube/helm/helm-tool.js";
import type { ToolRun } from "../../core/image/tool-run.js";
import { TOOL_USERS } from "../../core/tool-access.js";
import { runArgv, type Ran } from "./run.js";
import { asUser, chownTo } from "./tool-user.js";

const DIR = process.env["GANTRY_HELM_DIR"] ?? fileURLToPath(new URL(`../../.tools/helm/${HELM_VERSION.slice(1)}`, import.meta.url));
export const HELM = join(DIR, "bin", "helm");

export function requireHelm(): void {
  if (!existsSync(HELM)) throw new Error(`${HELM} is missing: run scripts/install-helm.sh (builds helm ${HELM_VERSION} from the Go module proxy)`);
}

const homes: string[] = [];

/** A directory owned by helm's user, for its state and its outputs. */
export async function helmDir(prefix = "gantry-helm-"): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  homes.push(dir);
  await chownTo(TOOL_USERS.helm, dir);
  return dir;
}

export function removeHelmDirs(): void {
  for (const dir of homes.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Runs a core helm ToolRun (args after the image's entrypoint) on this machine, as helm's user, with its env but its state in `home`. */
export async function runHelm(run: ToolRun, home: string, cwd = tmpdir()): Promise<Ran> {
  if (run.tool !== "helm") throw new Error(`not a helm run: ${run.tool}`);
  requireHelm();
  return runArgv(asUser(TOOL_USERS.helm, [HELM, ...run.args]), { cwd, env: { ...run.env, ...helmEnv(home, run.env["HELM_REGISTRY_CONFIG"] !== undefined) } });
}

/** runHelm that fails the test with helm's message. */
export async function mustHelm(run: ToolRun, home: string, cwd?: string): Promise<Ran> {
  const ran = await runHelm(run, home, cwd);
  if (ran.status !== 0) throw new Error(`helm ${run.args.join(" ")} exited ${ran.status}: ${ran.stderr || ran.stdout}`);
  return ran;
}
