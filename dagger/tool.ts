import { dag, type Container } from "@dagger.io/dagger";

import type { ToolRun } from "../core/image/tool-run.js";

/** The container a core ToolRun runs in: its pinned image and plain environment (secrets are added by the caller). */
export function toolContainer(run: ToolRun): Container {
  return Object.entries(run.env).reduce((c, [key, value]) => c.withEnvVariable(key, value), dag.container().from(run.image));
}

/** Runs the tool through the image's entrypoint, so a mirrored image works however it installs the binary. */
export function execTool(ctr: Container, run: ToolRun): Container {
  return ctr.withExec(run.args, { useEntrypoint: true });
}
