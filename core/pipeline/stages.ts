// The `stages:` and `environments:` keys of a pipeline file: what runs, in which order, on which
// refs, and where it deploys. The checks that need the whole list (duplicates, unknown needs,
// cycles, unknown environments) live in graph.ts and are reported with the file's positions.
import { z } from "zod";

import { environmentSchema } from "../kube/config/schema.js";

import { DEFAULT_STAGES, environmentProblems, stageProblems } from "./graph.js";
import { environmentName, stageSchema, type StageConfig } from "./stage-schema.js";

export const stagesSchema = z
  .array(stageSchema)
  .min(1)
  .superRefine((stages, ctx) => {
    for (const problem of stageProblems(stages)) ctx.addIssue({ code: "custom", path: problem.path, message: problem.message });
  })
  .default(() => structuredClone(DEFAULT_STAGES))
  .describe(
    "The stages in the order they are listed; independent stages run at the same time. Default: test, build, image, scan, then publish on the default branch and tags.",
  );

/** Where the service is deployed: each environment's namespace, strategy and checks (core/kube/config). */
export const environmentsSchema = z
  .record(environmentName, environmentSchema)
  .default({})
  .describe("Where the service is deployed, by name (staging, production...).");

/** Checks that need both keys: every deploy stage names a known environment, once. */
export function checkEnvironments(pipeline: { stages: StageConfig[]; environments: Record<string, unknown> }, ctx: z.RefinementCtx): void {
  for (const problem of environmentProblems(pipeline.stages, Object.keys(pipeline.environments))) {
    ctx.addIssue({ code: "custom", path: ["stages", ...problem.path], message: problem.message });
  }
}

export type { StageCondition, StageConfig } from "./stage-schema.js";
