// The GitOps handoff's git in a container: the core's argv and environment (core/kube/gitops/),
// run as the git image's user, its token mounted as that user's 0400 secret, what the core writes
// as that user's 0644 files. Never cached: a repository changes between two deploys.
import { randomUUID } from "node:crypto";

import { dag, ReturnType, type Container, type Secret } from "@dagger.io/dagger";

import type { GitOpsConfig } from "../core/kube/config/gitops.js";
import type { GitPort, Provenance } from "../core/kube/gitops/deploy.js";
import { gitEnvironment, handoffPaths, type GitWorkspace } from "../core/kube/gitops/handoff.js";
import { secretUri } from "../core/secret-reference.js";
import type { StageContext } from "./context.js";
import { toolImageContainer, withToolNewFile, withToolOutput, withToolSecret } from "./tool.js";

/** git on alpine, pinned; any image with git and sh on PATH works. */
export const GIT_IMAGE = "alpine/git:v2.49.1";
const ROOT = "/gitops";

/** What the commit message and time say about this deploy: the pipeline, the run (release and ref), the release's commit time. */
export function provenanceOf(ctx: StageContext, service: string): Provenance {
  const r = ctx.release;
  const run = [r.version ? `version ${r.version}` : "no version", r.commit ? `commit ${r.commit}` : "no commit", r.ref ? `ref ${r.ref}` : undefined]
    .filter(Boolean)
    .join(", ");
  return { pipeline: ctx.pipeline.name ?? service, run, sourceDateEpoch: r.sourceDateEpoch ?? 0 };
}

/** Each workspace a fresh container (clone, write, commit and push happen in one). */
export function containerGit(config: GitOpsConfig, provenance: Provenance, image = GIT_IMAGE): GitPort {
  const token: Secret | undefined = config.credentials ? dag.secret(secretUri(config.credentials)) : undefined;
  return {
    async workspace() {
      const env = gitEnvironment({ config, sourceDateEpoch: provenance.sourceDateEpoch }, ROOT);
      let ctr: Container = Object.entries(env).reduce((c, [k, v]) => c.withEnvVariable(k, v), toolImageContainer("git", image));
      ctr = withToolOutput(ctr, "git", ROOT).withEnvVariable("GANTRY_GITOPS_CALL", randomUUID());
      if (token) ctr = withToolSecret(ctr, "git", handoffPaths(ROOT).token, token);
      const ws: GitWorkspace = {
        async run(argv) {
          ctr = ctr.withExec(argv, { expect: ReturnType.Any });
          return { status: await ctr.exitCode(), stdout: await ctr.stdout(), stderr: await ctr.stderr() };
        },
        async read(path) {
          return (await ctr.exists(path)) ? ctr.file(path).contents() : undefined;
        },
        async write(path, contents) {
          ctr = withToolNewFile(ctr, "git", path, contents);
        },
      };
      return { ws, root: ROOT };
    },
  };
}
