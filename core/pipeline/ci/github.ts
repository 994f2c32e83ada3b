// A GitHub Actions workflow from a pipeline file: one job per stage, `needs` as the stage graph,
// conditions decided by a small plan job with the runner's own regular expressions, approvals
// and per-environment concurrency through GitHub environments, reports as artifacts, SARIF in
// code scanning and the summaries in the job summary. Every value from the pipeline file or the
// ci-files arguments reaches a `run:` script through `env:` as data (GitHub's hardening guide),
// never pasted into the script, where Actions would expand a `${{ }}` in it before the shell runs.
import { Document } from "yaml";

import { shellWord } from "../../quote.js";
import { pushedImageShell, REPORT_FILES, REPORT_PATHS, scriptLines, shellVariable, stageCommands, type CallTarget, type ShellCommand } from "../commands.js";
import { describeCondition } from "../conditions.js";
import { nearestPublish, type Stage, type StageGraph } from "../graph.js";
import { refPatternRegex } from "../ref-pattern.js";
import type { Pipeline, StageCondition } from "../schema.js";
import {
  checkCiOptions,
  daggerVersion,
  generatedHeader,
  pipelineGraph,
  RUNNER_HOST,
  deploySecretVariables,
  secretVariable,
  sharedEngineVariable,
  type CiOptions,
} from "./shared.js";

export const GITHUB_WORKFLOW_FILE = ".github/workflows/gantry.yml";
/** The reusable workflow publish runs in with `ci.github.reusablePublish`. */
export const GITHUB_PUBLISH_WORKFLOW_FILE = ".github/workflows/gantry-publish.yml";

interface PinnedAction {
  uses: string;
  version: string;
  /** The commit the version tag points at. */
  commit: string;
}

/** The actions the workflow uses, pinned to the commits .github/workflows/ci.yml pins too. */
export const ACTIONS = {
  checkout: { uses: "actions/checkout", version: "v4.2.2", commit: "11bd71901bbe5b1630ceea73d27597364c9af683" },
  dagger: { uses: "dagger/dagger-for-github", version: "v8.4.1", commit: "27b130bf0f79a7f6fbbbe0fbca6760dc9bb40a77" },
  uploadArtifact: { uses: "actions/upload-artifact", version: "v4.6.2", commit: "ea165f8d65b6e75b540449e92b4886f43607fa02" },
  uploadSarif: { uses: "github/codeql-action/upload-sarif", version: "v3.28.18", commit: "ff0a06e83cb2de871e5a09832bc6a81e7276941f" },
} satisfies Record<string, PinnedAction>;

type Step = Record<string, unknown>;
type Job = Record<string, unknown>;

/**
 * The job that decides which conditional stages run. Its id has an underscore, which no stage name
 * can hold, so no stage's job can take its place.
 */
export const PLAN_JOB = "gantry_plan";

export function githubWorkflow(pipeline: Pipeline, options: CiOptions): string {
  checkCiOptions(options);
  const graph = pipelineGraph(pipeline);
  const conditional = graph.stages.filter((s) => s.when);
  const target: CallTarget = {
    config: shellVariable("GANTRY_CONFIG"),
    ref: shellVariable("GITHUB_REF"),
    ...(options.module ? { module: shellVariable("GANTRY_MODULE") } : {}),
  };
  const engine = sharedEngineVariable(pipeline);
  const jobs: Record<string, Job> = {};
  if (conditional.length > 0) jobs[PLAN_JOB] = planJob(conditional);
  for (const stage of graph.stages) {
    jobs[stage.name] =
      stage.kind === "publish" && pipeline.ci.github.reusablePublish
        ? publishCallJob(stage, graph, pipeline, options, conditional.length > 0)
        : stageJob(stage, graph, pipeline, target, conditional.length > 0);
  }

  const doc = new Document({
    name: githubLiteral(`gantry${pipeline.name ? ` (${pipeline.name})` : ""}`),
    on: { push: { branches: ["**"], tags: ["**"] }, pull_request: null, workflow_dispatch: null },
    permissions: { contents: "read" },
    env: {
      DAGGER_VERSION: daggerVersion(options),
      GANTRY_CONFIG: githubLiteral(options.config),
      ...(options.module ? { GANTRY_MODULE: githubLiteral(options.module) } : {}),
      ...(engine ? { [RUNNER_HOST]: `\${{ vars.${engine} }}` } : {}),
    },
    jobs,
  });
  const engineNote = engine
    ? [`Every dagger call connects to the shared engine at the repository or organisation variable ${engine} (Settings > Variables).`]
    : [];
  doc.commentBefore = [...generatedHeader(options), ...engineNote, ...approvalNotes(graph)].map((l) => ` ${l}`).join("\n");
  return pinComments(doc.toString({ lineWidth: 0 }));
}

function approvalNotes(graph: StageGraph): string[] {
  const manual = graph.stages.filter((s) => s.approval === "manual");
  if (manual.length === 0) return [];
  return [`Approvals: give the GitHub environments ${manual.map((s) => environmentOf(s)).join(", ")} required reviewers (Settings > Environments).`];
}

/** Decides, once per run, which conditional stages run for this ref: the patterns are the runner's. */
function planJob(stages: Stage[]): Job {
  const lines = [
    "# Which conditional stages run for this ref, decided with the regular expressions gantry run uses.",
    'kind=none; name=""',
    'case "$GITHUB_REF" in',
    '  refs/heads/*) kind=branch; name="${GITHUB_REF#refs/heads/}" ;;',
    '  refs/tags/*) kind=tag; name="${GITHUB_REF#refs/tags/}" ;;',
    "  refs/pull/*) kind=pull ;;",
    "esac",
    "matches() { [[ $2 =~ $1 ]]; }",
    ...stages.flatMap((s) => [
      `# ${s.name}: ${describeCondition(s.when!).replace(/[\n\r]/g, " ")}`,
      `${variable(s)}=false`,
      `if ${conditionTest(s.when!)}; then ${variable(s)}=true; fi`,
    ]),
    "{",
    ...stages.map((s) => `  echo "${s.name}=$${variable(s)}"`),
    '} >> "$GITHUB_OUTPUT"',
  ];
  return {
    name: "plan",
    "runs-on": "ubuntu-latest",
    outputs: Object.fromEntries(stages.map((s) => [s.name, `\${{ steps.plan.outputs.${s.name} }}`])),
    steps: [{ id: "plan", env: { DEFAULT_BRANCH: "${{ github.event.repository.default_branch }}" }, run: lines.join("\n") + "\n" }],
  };
}

function variable(stage: Stage): string {
  return `run_${stage.name.replace(/-/g, "_")}`;
}

function conditionTest(when: StageCondition): string {
  const tests = [
    ...(when.defaultBranch ? ['{ [ "$kind" = branch ] && [ "$name" = "$DEFAULT_BRANCH" ]; }'] : []),
    ...(when.branches ?? []).map((p) => `{ [ "$kind" = branch ] && matches ${shellWord(refPatternRegex(p))} "$name"; }`),
    ...(when.tags ?? []).map((p) => `{ [ "$kind" = tag ] && matches ${shellWord(refPatternRegex(p))} "$name"; }`),
    ...(when.pullRequests ? ['[ "$kind" = pull ]'] : []),
  ];
  return tests.join(" || ");
}

/** A stage's job name, what it needs and when it runs: the same whether it runs steps or calls a workflow. */
function jobHead(stage: Stage, graph: StageGraph, hasPlan: boolean): Job {
  const publish = stage.kind === "deploy" ? nearestPublish(stage, graph)?.name : undefined;
  const condition = jobCondition(stage, graph);
  const usesPlan = condition.includes(`needs.${PLAN_JOB}.`);
  const needs = [...(usesPlan && hasPlan ? [PLAN_JOB] : []), ...stage.after, ...(publish && !stage.after.includes(publish) ? [publish] : [])];
  const job: Job = { name: stage.environment ? `${stage.name} (${stage.environment})` : stage.name };
  if (needs.length > 0) job.needs = needs;
  if (condition) job.if = condition;
  return job;
}

function stageJob(stage: Stage, graph: StageGraph, pipeline: Pipeline, target: CallTarget, hasPlan: boolean): Job {
  const publish = stage.kind === "deploy" ? nearestPublish(stage, graph)?.name : undefined;
  const { name, ...head } = jobHead(stage, graph, hasPlan);
  const job: Job = { name, "runs-on": "ubuntu-latest", ...head };
  job.permissions = permissions(stage);
  if (stage.kind === "deploy" || stage.approval === "manual") job.environment = { name: environmentOf(stage) };
  if (stage.kind === "deploy") job.concurrency = { group: `gantry-deploy-${stage.environment}`, "cancel-in-progress": false };
  if (stage.kind === "publish") job.outputs = { image: "${{ steps.publish.outputs.image }}" };
  job.steps = [checkout(stage), pinned(ACTIONS.dagger, { version: "${{ env.DAGGER_VERSION }}" }), ...stageSteps(stage, pipeline, target, publish)];
  return job;
}

/**
 * GitHub skips a job when a job it needs was skipped. Declared needs must succeed; a gate (a test
 * or scan stage a publish or deploy waits for) must succeed only when it was meant to run.
 */
function jobCondition(stage: Stage, graph: StageGraph): string {
  const parts: string[] = [];
  for (const gate of stage.gates) {
    const g = graph.byName.get(gate)!;
    parts.push(g.when ? `(needs.${gate}.result == 'success' || needs.${PLAN_JOB}.outputs.${gate} != 'true')` : `needs.${gate}.result == 'success'`);
  }
  if (stage.when) parts.push(`needs.${PLAN_JOB}.outputs.${stage.name} == 'true'`);
  if (parts.length === 0) return "";
  return `\${{ !cancelled() && ${[...stage.needs.map((n) => `needs.${n}.result == 'success'`), ...parts].join(" && ")} }}`;
}

/**
 * What publish needs inside the reusable workflow, and what its caller must grant too (GitHub's
 * guide to SLSA Build Level 3 with reusable workflows): an OIDC token for keyless signing and the
 * attestations API, besides pushing packages.
 */
const REUSABLE_PUBLISH_PERMISSIONS = { contents: "read", packages: "write", "id-token": "write", attestations: "write" };

/** The publish stage's job as a call of the reusable workflow: the caller decides when, the workflow how. */
function publishCallJob(stage: Stage, graph: StageGraph, pipeline: Pipeline, options: CiOptions, hasPlan: boolean): Job {
  const reusable = pipeline.ci.github.reusablePublish;
  const secret = secretVariable(pipeline.publish.password ?? "env:GITHUB_TOKEN");
  return {
    ...jobHead(stage, graph, hasPlan),
    permissions: { ...REUSABLE_PUBLISH_PERMISSIONS },
    uses: typeof reusable === "object" ? reusable.uses : `./${GITHUB_PUBLISH_WORKFLOW_FILE}`,
    with: { config: githubLiteral(options.config), ...(options.module ? { module: githubLiteral(options.module) } : {}) },
    ...(secret && secret !== "GITHUB_TOKEN" ? { secrets: { [secret]: `\${{ secrets.${secret} }}` } } : {}),
  };
}

/**
 * The reusable workflow publish runs in (`workflow_call`), with the steps of the plain workflow's
 * publish job; undefined unless the pipeline asks for it. Its inputs are the pipeline file and the
 * module; the ref, commit and repository are the caller's (GitHub gives a called workflow the
 * caller's github context), so the caller cannot make it build anything else.
 */
export function githubPublishWorkflow(pipeline: Pipeline, options: CiOptions): string | undefined {
  checkCiOptions(options);
  if (!pipeline.ci.github.reusablePublish) return undefined;
  const graph = pipelineGraph(pipeline);
  const stage = graph.stages.find((s) => s.kind === "publish");
  if (!stage) return undefined;
  const target: CallTarget = {
    config: shellVariable("GANTRY_CONFIG"),
    ref: shellVariable("GITHUB_REF"),
    ...(options.module ? { module: shellVariable("GANTRY_MODULE") } : {}),
  };
  const engine = sharedEngineVariable(pipeline);
  const secret = secretVariable(pipeline.publish.password ?? "env:GITHUB_TOKEN");
  const job: Job = { name: "publish", "runs-on": "ubuntu-latest", permissions: { ...REUSABLE_PUBLISH_PERMISSIONS } };
  if (stage.approval === "manual") job.environment = { name: environmentOf(stage) };
  job.outputs = { image: "${{ steps.publish.outputs.image }}" };
  job.steps = [checkout(stage), pinned(ACTIONS.dagger, { version: "${{ env.DAGGER_VERSION }}" }), ...stageSteps(stage, pipeline, target, undefined)];
  const doc = new Document({
    name: githubLiteral(`gantry publish${pipeline.name ? ` (${pipeline.name})` : ""}`),
    on: {
      workflow_call: {
        inputs: {
          config: { description: "The pipeline file, relative to the repository root.", type: "string", required: true },
          ...(options.module ? { module: { description: "The Gantry module to call.", type: "string", required: true } } : {}),
        },
        ...(secret && secret !== "GITHUB_TOKEN"
          ? { secrets: { [secret]: { description: "The registry password publish logs in with.", required: true } } }
          : {}),
        outputs: { image: { description: "The pushed image, repository@sha256:...", value: "${{ jobs.publish.outputs.image }}" } },
      },
    },
    permissions: { ...REUSABLE_PUBLISH_PERMISSIONS },
    env: {
      DAGGER_VERSION: daggerVersion(options),
      GANTRY_CONFIG: "${{ inputs.config }}",
      ...(options.module ? { GANTRY_MODULE: "${{ inputs.module }}" } : {}),
      ...(engine ? { [RUNNER_HOST]: `\${{ vars.${engine} }}` } : {}),
    },
    jobs: { publish: job },
  });
  const note = [
    `Called by ${GITHUB_WORKFLOW_FILE}'s publish job. Signatures and attestations made here (keyless, with this job's OIDC token) name this workflow as their signer,`,
    "which the calling workflow cannot alter: GitHub documents this as SLSA v1.0 Build Level 3. Keep a copy in a repository the service's developers cannot change",
    "and point ci.github.reusablePublish.uses at it to enforce that.",
  ];
  doc.commentBefore = [...generatedHeader(options), ...note].map((l) => ` ${l}`).join("\n");
  return pinComments(doc.toString({ lineWidth: 0 }));
}

function permissions(stage: Stage): Record<string, string> {
  if (stage.kind === "scan") return { contents: "read", actions: "read", "security-events": "write" };
  if (stage.kind === "publish") return { contents: "read", packages: "write" };
  // GitHub deployment statuses of the rollout's outcome are written with the workflow's token.
  if (stage.kind === "deploy" && stage.notify?.github) return { contents: "read", deployments: "write" };
  return { contents: "read" };
}

function environmentOf(stage: Stage): string {
  return stage.environment ?? stage.name;
}

function checkout(stage: Stage): Step {
  // publish reads the released versions from git tags, so it needs the whole history.
  return pinned(ACTIONS.checkout, stage.kind === "publish" ? { "fetch-depth": 0 } : undefined);
}

function stageSteps(stage: Stage, pipeline: Pipeline, target: CallTarget, publish: string | undefined): Step[] {
  const run = (name: string, lines: (string | ShellCommand)[], extra: Step = {}): Step => ({
    name,
    ...extra,
    run: `${scriptLines(lines).join("\n")}\n`,
  });
  const upload = (what: string, path: string): Step =>
    pinned(ACTIONS.uploadArtifact, { name: `${stage.name}-${what}`, path, "if-no-files-found": "ignore" }, { if: "always()" });
  const summary = (file: string): Step => run("Job summary", [`if [ -f ${file} ]; then cat ${file} >> "$GITHUB_STEP_SUMMARY"; fi`], { if: "always()" });
  switch (stage.kind) {
    case "test": {
      const c = stageCommands(stage, target);
      return [run("Test reports", c.reports), summary(REPORT_FILES.testSummary), upload("reports", REPORT_PATHS.test), run("Tests pass", c.check)];
    }
    case "build": {
      const c = stageCommands(stage, target);
      return [run("Build", c.check), upload("binaries", REPORT_PATHS.dist)];
    }
    case "image":
      return [run("Image", stageCommands(stage, target).check)];
    case "scan": {
      const repository = pipeline.publish.repository;
      const c = stageCommands(stage, target, { imageName: repository ? shellVariable("GANTRY_IMAGE_NAME") : ["ghcr.io/", shellVariable("GITHUB_REPOSITORY")] });
      const sarif = pinned(
        ACTIONS.uploadSarif,
        { sarif_file: REPORT_FILES.sarif, category: `gantry-${stage.name}` },
        { if: `always() && hashFiles('${REPORT_FILES.sarif}') != ''` },
      );
      const env = repository ? { env: { GANTRY_IMAGE_NAME: githubLiteral(repository) } } : {};
      return [
        run("Scan reports", c.reports, env),
        summary(REPORT_FILES.scanSummary),
        sarif,
        upload("reports", REPORT_PATHS.scan),
        run("Scan gate passes", c.check),
      ];
    }
    case "publish": {
      const password = pipeline.publish.password ?? "env:GITHUB_TOKEN";
      const c = stageCommands(stage, target, {
        password: shellVariable("GANTRY_PASSWORD"),
        ...(pipeline.publish.username ? {} : { username: shellVariable("GITHUB_ACTOR") }),
      });
      const secret = secretVariable(password);
      const lines = [
        ...c.check,
        ...pushedImageShell("GANTRY_IMAGE"),
        'echo "image=$GANTRY_IMAGE" >> "$GITHUB_OUTPUT"',
        `{ echo "### Published"; echo; sed 's/^/- /' ${REPORT_PATHS.published}; } >> "$GITHUB_STEP_SUMMARY"`,
      ];
      const env = { GANTRY_PASSWORD: githubLiteral(password), ...(secret ? { [secret]: `\${{ secrets.${secret} }}` } : {}) };
      return [run("Publish", lines, { id: "publish", env })];
    }
    case "deploy": {
      const c = stageCommands(stage, target, {
        environment: shellVariable("GANTRY_ENVIRONMENT"),
        ...(publish ? { image: shellVariable("GANTRY_IMAGE") } : {}),
        ...(stage.kubeconfig ? { kubeconfig: shellVariable("GANTRY_KUBECONFIG") } : {}),
      });
      const secrets = deploySecretVariables(stage);
      const env: Record<string, string> = {
        GANTRY_ENVIRONMENT: githubLiteral(stage.environment!),
        ...(publish ? { GANTRY_IMAGE: `\${{ needs.${publish}.outputs.image }}` } : {}),
        ...(stage.kubeconfig ? { GANTRY_KUBECONFIG: githubLiteral(stage.kubeconfig) } : {}),
        ...Object.fromEntries(secrets.map((v) => [v, `\${{ secrets.${v} }}`])),
      };
      return [run(`Roll out to ${stage.environment}`, c.check, { env })];
    }
  }
}

/**
 * A workflow value that GitHub reads as exactly `text`. Actions evaluates `${{ }}` anywhere in a
 * value, so text holding `${{` is written as an expression whose result is that text: a string
 * literal, in which only `'` needs escaping (doubled).
 */
export function githubLiteral(text: string): string {
  return text.includes("${{") ? `\${{ '${text.replaceAll("'", "''")}' }}` : text;
}

function pinned(action: PinnedAction, withInputs?: Record<string, unknown>, extra: Step = {}): Step {
  return { ...extra, uses: `${action.uses}@${action.commit}`, ...(withInputs ? { with: withInputs } : {}) };
}

/** `uses: owner/repo@<sha> # v1.2.3`, the form Dependabot and Renovate keep up to date. */
function pinComments(text: string): string {
  let out = text;
  for (const action of Object.values(ACTIONS) as PinnedAction[]) {
    out = out.replaceAll(`uses: ${action.uses}@${action.commit}\n`, `uses: ${action.uses}@${action.commit} # ${action.version}\n`);
  }
  return out;
}
