// A GitLab CI file from a pipeline file: one job per stage with `needs` as the stage graph, rules
// from the stage conditions (the runner's regular expressions), `when: manual` for approvals,
// `environment:` for deploys, and the test and scan reports GitLab reads (junit, container_scanning).
// Values from the pipeline file are quoted shell words in the scripts (core/quote.ts); a stage
// whose name GitLab reserves at the top level (image, variables, ...) gets a job key no stage can.
import { Document } from "yaml";

import {
  pushedImageShell,
  REPORT_FILES,
  REPORT_PATHS,
  scriptLines,
  shellVariable,
  stageCommands,
  type CallTarget,
  type ShellCommand,
  type Word,
} from "../commands.js";
import { nearestPublish, type Stage, type StageGraph } from "../graph.js";
import { refPatternRegex } from "../ref-pattern.js";
import type { Pipeline, StageCondition } from "../schema.js";
import {
  checkCiOptions,
  conditionFactors,
  daggerVersion,
  generatedHeader,
  pipelineGraph,
  RUNNER_HOST,
  sharedEngineVariable,
  type CiOptions,
} from "./shared.js";

export const GITLAB_CI_FILE = ".gitlab-ci.yml";

const DOCKER = "docker:28";

/** What the Docker CLI in the job needs to reach the docker:dind service over TLS. */
const DIND_VARIABLES = { DOCKER_HOST: "tcp://docker:2376", DOCKER_TLS_VERIFY: "1", DOCKER_TLS_CERTDIR: "/certs", DOCKER_CERT_PATH: "/certs/client" };

/** GitLab's notation of a Gantry ref, so tags, branches and merge requests read as the runner reads them. */
const REF_SCRIPT = [
  'export GANTRY_REF="refs/heads/${CI_COMMIT_BRANCH:-$CI_COMMIT_REF_NAME}"',
  'if [ -n "${CI_COMMIT_TAG:-}" ]; then export GANTRY_REF="refs/tags/$CI_COMMIT_TAG"; fi',
  'if [ -n "${CI_MERGE_REQUEST_IID:-}" ]; then export GANTRY_REF="refs/pull/$CI_MERGE_REQUEST_IID/merge"; fi',
];

/**
 * Top-level keys GitLab reads as settings, not jobs (and `pages`, the job that publishes GitLab
 * Pages); only those a stage name can spell ([a-z0-9-]) matter.
 */
const RESERVED_KEYS = new Set(["default", "include", "stages", "variables", "workflow", "image", "services", "cache", "types", "pages", "spec"]);

/** The job key of a stage: its name, or `gantry:<name>` (a colon no stage name holds) when GitLab reserves the name. */
export function gitlabJobName(stage: string): string {
  return RESERVED_KEYS.has(stage) ? `gantry:${stage}` : stage;
}

export function gitlabCi(pipeline: Pipeline, options: CiOptions): string {
  checkCiOptions(options);
  const graph = pipelineGraph(pipeline);
  const target: CallTarget = { config: options.config, ref: shellVariable("GANTRY_REF"), ...(options.module ? { module: options.module } : {}) };
  const engine = sharedEngineVariable(pipeline);
  const file: Record<string, unknown> = {
    workflow: {
      // Merge request pipelines, plus branch pipelines for branches without an open merge request, plus tags.
      rules: [
        { if: '$CI_PIPELINE_SOURCE == "merge_request_event"' },
        { if: "$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS", when: "never" },
        { if: "$CI_COMMIT_BRANCH" },
        { if: "$CI_COMMIT_TAG" },
      ],
    },
    variables: {
      DAGGER_VERSION: daggerVersion(options),
      GIT_DEPTH: "0",
      // GitLab expands $NAME in a variable's value: the engine's address comes from the CI variable.
      ...(engine ? { [RUNNER_HOST]: `$${engine}` } : DIND_VARIABLES),
    },
    stages: graph.stages.map((s) => s.name),
    ".gantry": {
      image: DOCKER,
      ...(engine ? {} : { services: [`${DOCKER}-dind`] }),
      before_script: [
        "apk add --no-cache bash curl git",
        'curl -fsSL https://dl.dagger.io/dagger/install.sh | BIN_DIR=/usr/local/bin DAGGER_VERSION="$DAGGER_VERSION" sh',
        ...REF_SCRIPT,
      ],
    },
  };
  for (const stage of graph.stages) file[gitlabJobName(stage.name)] = stageJob(stage, graph, pipeline, target);
  const doc = new Document(file);
  doc.commentBefore = [
    ...generatedHeader(options),
    ...(engine
      ? [`Every job connects to the shared Dagger engine whose address is in the CI/CD variable ${engine}.`]
      : [
          "The Dagger engine runs in Docker-in-Docker (the docker:dind service), which needs a runner with",
          "privileged = true in its [runners.docker] section. A shared engine (ci.engine.hostVariable in the",
          "pipeline file) needs neither.",
        ]),
  ]
    .map((l) => ` ${l}`)
    .join("\n");
  return doc.toString({ lineWidth: 0 });
}

function stageJob(stage: Stage, graph: StageGraph, pipeline: Pipeline, target: CallTarget): Record<string, unknown> {
  const job: Record<string, unknown> = { extends: ".gantry", stage: stage.name };
  // A gate that is not in this pipeline (its rules left it out) has nothing to say: optional. A
  // deploy also needs its publish job directly, since only needed jobs hand on their dotenv report.
  const publish = stage.kind === "deploy" ? nearestPublish(stage, graph)?.name : undefined;
  const direct = publish && !stage.needs.includes(publish) ? [...stage.needs, publish] : stage.needs;
  job.needs = [...direct.map(gitlabJobName), ...stage.gates.map((g) => ({ job: gitlabJobName(g), optional: true }))];
  const rules = jobRules(stage, graph);
  if (rules) job.rules = rules;
  if (stage.kind === "deploy") job.environment = { name: stage.environment };
  if (stage.kind === "deploy") job.resource_group = `deploy-${stage.environment}`;
  Object.assign(job, stageScript(stage, graph, pipeline, target));
  return job;
}

/** One rule: the AND of the stage's conditions and those of what it needs, manual when it waits for approval. */
function jobRules(stage: Stage, graph: StageGraph): Record<string, unknown>[] | undefined {
  const factors = conditionFactors(stage, graph);
  const manual = stage.approval === "manual" ? { when: "manual", allow_failure: false } : {};
  if (factors.length === 0) return stage.approval === "manual" ? [manual] : undefined;
  const expression = factors.map((f) => (factors.length > 1 ? `(${conditionExpression(f)})` : conditionExpression(f))).join(" && ");
  return [{ if: expression, ...manual }];
}

function conditionExpression(when: StageCondition): string {
  const regex = (p: string) => `/${refPatternRegex(p).replace(/\//g, "\\/")}/`;
  return [
    ...(when.defaultBranch ? ["$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"] : []),
    ...(when.branches ?? []).map((p) => `$CI_COMMIT_BRANCH =~ ${regex(p)}`),
    ...(when.tags ?? []).map((p) => `$CI_COMMIT_TAG =~ ${regex(p)}`),
    ...(when.pullRequests ? ['$CI_PIPELINE_SOURCE == "merge_request_event"'] : []),
  ].join(" || ");
}

function stageScript(stage: Stage, graph: StageGraph, pipeline: Pipeline, target: CallTarget): Record<string, unknown> {
  const always = (paths: string[], reports: Record<string, unknown>) => ({ artifacts: { when: "always", paths, reports } });
  const lines = (...commands: (string | ShellCommand)[]) => scriptLines(commands);
  switch (stage.kind) {
    case "test": {
      const c = stageCommands(stage, target);
      // The summary in the log also gives GitLab the coverage figure through the coverage regex.
      return {
        script: lines(...c.reports, `cat ${REPORT_FILES.testSummary}`, ...c.check),
        coverage: "/coverage (\\d+(?:\\.\\d+)?)%/",
        ...always([REPORT_PATHS.test], { junit: REPORT_FILES.junit, coverage_report: { coverage_format: "cobertura", path: REPORT_FILES.cobertura } }),
      };
    }
    case "build":
      return { script: lines(...stageCommands(stage, target).check), artifacts: { paths: [REPORT_PATHS.dist] } };
    case "image":
      return { script: lines(...stageCommands(stage, target).check) };
    case "scan": {
      const repository: Word = pipeline.publish.repository ?? shellVariable("CI_REGISTRY_IMAGE");
      const c = stageCommands(stage, target, { imageName: [repository, ":", shellVariable("CI_COMMIT_SHORT_SHA")] });
      return {
        script: lines(...c.reports, `cat ${REPORT_FILES.scanSummary}`, ...c.check),
        ...always([REPORT_PATHS.scan], { container_scanning: REPORT_FILES.gitlabScan, junit: REPORT_FILES.scanJunit }),
      };
    }
    case "publish": {
      const password = pipeline.publish.password ?? "env:CI_REGISTRY_PASSWORD";
      const c = stageCommands(stage, target, { password, ...(pipeline.publish.username ? {} : { username: shellVariable("CI_REGISTRY_USER") }) });
      return {
        script: lines(...c.check, ...pushedImageShell("GANTRY_IMAGE"), 'echo "GANTRY_IMAGE=$GANTRY_IMAGE" > publish.env'),
        artifacts: { paths: [REPORT_PATHS.published], reports: { dotenv: "publish.env" } },
      };
    }
    case "deploy": {
      // GANTRY_IMAGE reaches this job from publish's dotenv report, through the needs chain.
      const c = stageCommands(stage, target, nearestPublish(stage, graph) ? { image: shellVariable("GANTRY_IMAGE") } : {});
      return { script: lines(...c.check) };
    }
  }
}
