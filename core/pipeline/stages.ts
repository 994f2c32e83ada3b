// The `stages:` and `environments:` keys of a pipeline file: what runs, in which order, on which
// refs, and where it deploys. The checks that need the whole list (duplicates, unknown needs,
// cycles, unknown environments) live in graph.ts and are reported with the file's positions.
import { z } from "zod";

import { environmentSchema } from "../kube/config/schema.js";

import { DEFAULT_STAGES, environmentProblems, stageProblems, STAGE_KINDS } from "./graph.js";
import { refPatternProblem } from "./ref-pattern.js";
import { SECRET_REFERENCE, SECRET_REFERENCE_HINT } from "./secret-reference.js";

const NAME = /^[a-z][a-z0-9-]{0,62}$/;
const stageName = z.string().regex(NAME, "expected a lowercase stage name such as test or deploy-staging");
export const environmentName = z.string().regex(NAME, "expected a lowercase environment name such as staging");

const refPattern = z.string().superRefine((pattern, ctx) => {
  const problem = refPatternProblem(pattern);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

export const conditionSchema = z
  .strictObject({
    branches: z.array(refPattern).optional().describe("Branch patterns the stage runs on: * (no /), ** (anything), ?, [a-z]."),
    tags: z.array(refPattern).optional().describe("Tag patterns the stage runs on, e.g. v* or v[0-9]*."),
    defaultBranch: z.boolean().optional().describe("Run on the repository's default branch (whatever it is called)."),
    pullRequests: z.boolean().optional().describe("Run for pull (merge) requests."),
  })
  .refine((c) => (c.branches?.length ?? 0) + (c.tags?.length ?? 0) > 0 || c.defaultBranch === true || c.pullRequests === true, {
    message: "this condition matches no ref; list branches or tags, or set defaultBranch or pullRequests",
  })
  .describe("The refs a stage runs for; a ref matching any entry runs it. Without a condition a stage runs for every ref.");

export const stageSchema = z
  .strictObject({
    name: stageName.describe("The stage's name, unique in the pipeline; other stages name it in needs."),
    kind: z.enum(STAGE_KINDS).optional().describe("What the stage does. Default: its name when that is a kind (test, build, image, scan, publish), deploy when environment is set."),
    needs: z.array(stageName).default([]).describe("Stages that must pass first. Publish and deploy stages also wait for every test and scan stage."),
    when: conditionSchema.optional(),
    approval: z.enum(["manual"]).optional().describe("manual: the stage waits for a person's approval (a CI environment's reviewers, Jenkins input, GitLab when: manual)."),
    environment: environmentName.optional().describe("The environment a deploy stage rolls out to (a key of environments)."),
    kubeconfig: z.string().regex(SECRET_REFERENCE, SECRET_REFERENCE_HINT).optional().describe("The deploy stage's kubeconfig, as a secret reference (file:~/.kube/staging, env:KUBECONFIG_DATA)."),
  })
  .describe("One step of the pipeline.");

export const stagesSchema = z
  .array(stageSchema)
  .min(1)
  .superRefine((stages, ctx) => {
    for (const problem of stageProblems(stages)) ctx.addIssue({ code: "custom", path: problem.path, message: problem.message });
  })
  .default(() => structuredClone(DEFAULT_STAGES))
  .describe("The stages in the order they are listed; independent stages run at the same time. Default: test, build, image, scan, then publish on the default branch and tags.");

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

export type StageConfig = z.output<typeof stageSchema>;
export type StageCondition = z.output<typeof conditionSchema>;
