import { ExistsType, type Directory } from "@dagger.io/dagger";

import { GantryError } from "../core/errors.js";
import { gitFactsArgv, parseGitFacts, type GitFacts } from "../core/git/facts.js";
import type { GoMod } from "../core/go/gomod.js";
import { parseGoMod } from "../core/go/gomod.js";
import { requireGoMod } from "../core/go/main-package.js";
import { goToolchain, type GoToolchain } from "../core/pipeline/go-settings.js";
import { loadPipeline } from "../core/pipeline/load.js";
import { applyOverrides, type Overrides } from "../core/pipeline/overrides.js";
import { releaseFor, type ReleaseOverrides, type ResolvedRelease } from "../core/pipeline/release.js";
import type { Pipeline } from "../core/pipeline/schema.js";
import { toolImageContainer, toolStep, withToolDirectory } from "./tool.js";

export const DEFAULT_CONFIG = "pipelines/gantry.yaml";

/** Where a function call starts from: the repository, the pipeline file and the release overrides. */
export interface CallInput {
  source: Directory;
  config: string;
  release: ReleaseOverrides;
  overrides?: Overrides;
}

/** Everything a stage needs, resolved once per call; adapters take the parts they use. */
export interface StageContext {
  pipeline: Pipeline;
  /** The pipeline file as read (empty text when the default file is absent): the provenance records its path and digest. */
  pipelineFile: { path: string; text: string };
  /** The repository as given (with .git): the scan's allow-list and ignore files, git for verify's ancestry check, a chart and its values files. */
  repository: Directory;
  /** The Go module: the pipeline's `source` inside the repository. */
  module: Directory;
  mod: GoMod;
  toolchain: GoToolchain;
  release: ResolvedRelease;
}

/** Reads the pipeline file (a missing default file means all defaults), go.mod and git; runs no build. */
export async function stageContext(input: CallInput): Promise<StageContext> {
  const pipelineText = await readPipelineText(input.source, input.config);
  const pipeline = applyOverrides(loadPipeline(pipelineText, input.config), input.overrides ?? {});
  const module = pipeline.source === "." ? input.source : input.source.directory(pipeline.source);
  if (pipeline.source !== "." && !(await input.source.exists(pipeline.source, { expectedType: ExistsType.DirectoryType }))) {
    throw new GantryError(`${input.config}: source: "${pipeline.source}" is not a directory of the repository given as --source`);
  }
  requireGoMod(await module.entries(), "source");
  const mod = parseGoMod(await module.file("go.mod").contents(), `${pipeline.source}/go.mod`);
  const toolchain = goToolchain(pipeline.go, mod);
  const git = await gitFacts(input.source, toolchain.image);
  return {
    pipeline,
    pipelineFile: { path: input.config, text: pipelineText },
    repository: input.source,
    module: module.withoutDirectory(".git"),
    mod,
    toolchain,
    release: releaseFor(input.release, git),
  };
}

export async function readPipeline(source: Directory, config: string): Promise<Pipeline> {
  return loadPipeline(await readPipelineText(source, config), config);
}

/** The pipeline file's text; a missing default file reads as empty (all defaults). */
async function readPipelineText(source: Directory, config: string): Promise<string> {
  if (!(await source.exists(config, { expectedType: ExistsType.RegularType }))) {
    if (config === DEFAULT_CONFIG) return "";
    throw new GantryError(`--config: ${config} is not a file in --source; give a pipeline file relative to the repository root, e.g. ${DEFAULT_CONFIG}`);
  }
  return source.file(config).contents();
}

/** Commit, time, ref and tags from the checkout's .git (only .git is mounted, so code edits do not re-run it). */
async function gitFacts(source: Directory, image: string): Promise<GitFacts | undefined> {
  if (!(await source.exists(".git", { expectedType: ExistsType.DirectoryType }))) return undefined;
  const ctr = withToolDirectory(toolImageContainer("go", image), "go", "/repo/.git", source.directory(".git"));
  const out = await toolStep("git (reading the checkout's commit, ref and tags)", ctr.withExec(gitFactsArgv("/repo")).stdout());
  return parseGitFacts(out);
}
