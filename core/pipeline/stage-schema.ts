// One stage of a pipeline file and the refs it runs for: the schema of a single `stages:` entry and
// the types inferred from it. The checks over the whole list live in graph.ts, which reads these
// types, and stages.ts, which attaches those checks to the list; neither is imported here.
import { z } from "zod";

import { refPatternProblem } from "./ref-pattern.js";
import { notifySchema } from "./notify-settings.js";
import { SECRET_REFERENCE, SECRET_REFERENCE_HINT } from "./secret-reference.js";

export const STAGE_KINDS = ["test", "build", "image", "scan", "publish", "deploy"] as const;
export type StageKind = (typeof STAGE_KINDS)[number];

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
    kind: z
      .enum(STAGE_KINDS)
      .optional()
      .describe("What the stage does. Default: its name when that is a kind (test, build, image, scan, publish), deploy when environment is set."),
    needs: z.array(stageName).default([]).describe("Stages that must pass first. Publish and deploy stages also wait for every test and scan stage."),
    when: conditionSchema.optional(),
    approval: z
      .enum(["manual"])
      .optional()
      .describe("manual: the stage waits for a person's approval (a CI environment's reviewers, Jenkins input, GitLab when: manual)."),
    environment: environmentName.optional().describe("The environment a deploy stage rolls out to (a key of environments)."),
    kubeconfig: z
      .string()
      .regex(SECRET_REFERENCE, SECRET_REFERENCE_HINT)
      .optional()
      .describe("The deploy stage's kubeconfig, as a secret reference (file:~/.kube/staging, env:KUBECONFIG_DATA)."),
    notify: notifySchema.optional(),
  })
  .describe("One step of the pipeline.");

export type StageConfig = z.output<typeof stageSchema>;
export type StageCondition = z.output<typeof conditionSchema>;
