// What every function of the module passes down: the repository, the pipeline file and the release
// overrides. Plain API-typed values, so objects that carry them stay valid Dagger state.
import type { Directory } from "@dagger.io/dagger";

import type { CallInput } from "#dagger/context.js";
import type { Overrides } from "#core/pipeline/overrides.js";
import type { Pipeline } from "#core/pipeline/schema.js";
import type { Settings } from "./settings.js";

/**
 * What a function's `source` leaves out of the repository it uploads. Written as
 * `@argument({ defaultPath: "/", ignore: REPOSITORY_IGNORE })`: the SDK's introspector resolves an
 * identifier inside the options object to its declaration's literal (test/contract proves it), but
 * not a whole options object held in a constant, nor an `as const` array.
 */
export const REPOSITORY_IGNORE = ["**/node_modules", ".dagger", "dist", "tmp", ".tools"];

export function callInput(settings: Settings, source: Directory, overrides?: Overrides, releasedVersions?: string[]): CallInput {
  return {
    source,
    config: settings.config,
    release: { ref: settings.ref, version: settings.version, commit: settings.commit, sourceDateEpoch: settings.sourceDateEpoch, releasedVersions },
    overrides,
  };
}

/** Loads the stage context lazily: the runtime parses and imports src/ on every call, the rest only when used. */
export async function stageContext(input: CallInput) {
  const { stageContext } = await import("#dagger/context.js");
  return stageContext(input);
}

/** The environment `environment --name` names (an unknown one fails with a did-you-mean), else the pipeline file's only one. */
export async function environmentNamed(ctx: { pipeline: Pipeline }, given: string): Promise<string> {
  const { environmentName } = await import("#core/pipeline/deploy-request.js");
  return environmentName(ctx.pipeline, given, "name");
}
