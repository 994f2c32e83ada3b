import { dag, ExecError, type Container, type Directory, type File, type Secret } from "@dagger.io/dagger";

import type { ToolRun } from "../core/image/tool-run.js";
import { toolAccess, type ToolName } from "../core/tool-access.js";
import { outputTail, toolFailure } from "../core/tool-failure.js";

// Every container Gantry runs a tool in is made and fed here, by core/tool-access.ts's rule: the
// tool runs as its image's user, stated; what it reads is that user's; what it writes into is too.

/** A tool's image, run as the user the core names for it. */
export function toolImageContainer(tool: ToolName, image: string): Container {
  return asTool(dag.container().from(image), tool);
}

/** A container of a tool's image (pulled already), run as the user the core names for it. */
export function asTool(ctr: Container, tool: ToolName): Container {
  return ctr.withUser(toolAccess(tool).user);
}

/** The container a core ToolRun runs in: its pinned image, its user and plain environment (secrets are added by the caller). */
export function toolContainer(run: ToolRun): Container {
  return Object.entries(run.env).reduce((c, [key, value]) => c.withEnvVariable(key, value), toolImageContainer(run.tool, run.image));
}

/** Runs the tool through the image's entrypoint, so a mirrored image works however it installs the binary. */
export function execTool(ctr: Container, run: ToolRun): Container {
  return ctr.withExec(run.args, { useEntrypoint: true });
}

/** A secret the tool reads: its user's, 0400. */
export function withToolSecret(ctr: Container, tool: ToolName, path: string, secret: Secret): Container {
  return ctr.withMountedSecret(path, secret, toolAccess(tool).secret);
}

/** A file the tool reads, mounted as its user's. */
export function withToolFile(ctr: Container, tool: ToolName, path: string, file: File): Container {
  return ctr.withMountedFile(path, file, toolAccess(tool).mount);
}

/** A directory the tool reads, mounted as its user's. */
export function withToolDirectory(ctr: Container, tool: ToolName, path: string, directory: Directory): Container {
  return ctr.withMountedDirectory(path, directory, toolAccess(tool).mount);
}

/** A file Gantry writes for the tool: its user's, 0644 (a script it runs: EXECUTABLE_FILE_MODE). */
export function withToolNewFile(ctr: Container, tool: ToolName, path: string, contents: string, permissions?: number): Container {
  const { file } = toolAccess(tool);
  return ctr.withNewFile(path, contents, permissions === undefined ? file : { ...file, permissions });
}

/** An empty directory the tool writes into (a non-root tool cannot create one under root's): its user's, 0755. */
export function withToolOutput(ctr: Container, tool: ToolName, path: string): Container {
  return ctr.withDirectory(path, dag.directory(), toolAccess(tool).output);
}

/** `crane push`, `cosign sign`: how an error names a ToolRun's step. */
export function stepName(run: ToolRun): string {
  const command = run.args.find((a) => !a.startsWith("-"));
  return command ? `${run.tool} ${command}` : run.tool;
}

/**
 * Awaits a value that runs container steps; when one of them exits non-zero, the error names the
 * step and carries the tail of the tool's stderr (the engine's own message says only `exit code: 1`).
 */
export async function toolStep<T>(step: string, pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch (error) {
    if (isExecError(error)) throw toolFailure(step, error);
    throw error;
  }
}

/** Dagger's ExecError, also when it comes from another copy of the SDK than this module's (instanceof would miss it). */
function isExecError(error: unknown): error is ExecError {
  if (error instanceof ExecError) return true;
  const e = error as Partial<ExecError> | undefined;
  return e?.name === "ExecError" && typeof e.exitCode === "number" && typeof e.stderr === "string" && Array.isArray(e.cmd);
}

/** The end of what a failed step said: the tool's stderr (or stdout) for an exec, else the engine's message. */
export function failureTail(error: unknown): string {
  if (isExecError(error)) return outputTail(error.stderr) || outputTail(error.stdout);
  return outputTail(error instanceof Error ? error.message : String(error));
}
