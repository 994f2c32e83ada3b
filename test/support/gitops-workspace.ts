// The GitOps handoff's workspace on this machine: the core's git argv run by the real git as the
// uid the git image runs as (core/tool-access.ts), in a temporary directory laid out as the
// adapter lays out the container (the token 0400, the files 0644).
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

import { gitEnvironment, handoffPaths, type GitWorkspace } from "../../core/kube/gitops/handoff.js";
import type { GitPort, Provenance } from "../../core/kube/gitops/deploy.js";
import type { GitOpsConfig } from "../../core/kube/config/gitops.js";
import { READABLE_FILE_MODE, SECRET_MODE, TOOL_USERS } from "../../core/tool-access.js";
import { runArgv } from "./run.js";
import { asUser, chownTo } from "./tool-user.js";

const GIT_USER = TOOL_USERS.git;

/** A fresh workspace, with the token (when given) where the credential helper reads it. */
export async function hostWorkspace(
  config: GitOpsConfig,
  provenance: Provenance,
  token?: string,
): Promise<{ ws: GitWorkspace; root: string; argvs: string[][] }> {
  const root = mkdtempSync(join(tmpdir(), "gantry-gitops-"));
  const paths = handoffPaths(root);
  if (token !== undefined) {
    mkdirSync(dirname(paths.token), { recursive: true });
    writeFileSync(paths.token, token);
    chmodSync(paths.token, SECRET_MODE);
  }
  await chownTo(GIT_USER, root);
  const env = gitEnvironment({ config, sourceDateEpoch: provenance.sourceDateEpoch }, root);
  const argvs: string[][] = [];
  const ws: GitWorkspace = {
    run(argv) {
      argvs.push(argv);
      return runArgv(asUser(GIT_USER, argv), { cwd: root, env });
    },
    async read(path) {
      try {
        return readFileSync(path, "utf8");
      } catch {
        return undefined;
      }
    },
    async write(path, contents) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, contents, { mode: READABLE_FILE_MODE });
      await chownTo(GIT_USER, path);
    },
  };
  return { ws, root, argvs };
}

/** A GitPort whose every workspace is a fresh host one. */
export function hostGit(config: GitOpsConfig, provenance: Provenance, token?: string): GitPort & { workspaces: number } {
  const port = {
    workspaces: 0,
    async workspace() {
      port.workspaces++;
      const { ws, root } = await hostWorkspace(config, provenance, token);
      return { ws, root };
    },
  };
  return port;
}
