// A declarative Jenkinsfile from a pipeline file, for multibranch pipelines: the stages in graph
// order (stages that do not depend on each other side by side in `parallel`), `when` from the
// stage conditions (the runner's regular expressions), `input` for approvals, JUnit reports
// published with `junit`, and credentials bound by withCredentials for env: references. Every value
// from the pipeline file is a Groovy string literal that interpolates nothing, and inside `sh`
// scripts a quoted shell word (core/quote.ts).
import { groovyString } from "../../quote.js";
import { pushedImageShell, REPORT_FILES, REPORT_PATHS, scriptLines, shellVariable, stageCommands, type CallTarget, type ShellCommand } from "../commands.js";
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
  deploySecretVariables,
  secretVariable,
  sharedEngineVariable,
  type CiOptions,
} from "./shared.js";

export const JENKINSFILE = "Jenkinsfile";

/** Jenkins' multibranch variables in Gantry's ref notation. */
const REF_EXPRESSION =
  "${env.TAG_NAME ? 'refs/tags/' + env.TAG_NAME : (env.CHANGE_ID ? 'refs/pull/' + env.CHANGE_ID + '/merge' : 'refs/heads/' + env.BRANCH_NAME)}";

const PATH_LINE = 'export PATH="$WORKSPACE/.dagger/bin:$PATH"';

/** The stage that installs the CLI: a space and capitals no stage name holds, so none can clash. */
export const INSTALL_STAGE = "Install Dagger";

export function jenkinsfile(pipeline: Pipeline, options: CiOptions): string {
  checkCiOptions(options);
  const graph = pipelineGraph(pipeline);
  const target: CallTarget = { config: options.config, ref: shellVariable("GANTRY_REF"), ...(options.module ? { module: options.module } : {}) };
  const engine = sharedEngineVariable(pipeline);
  const render = (stage: Stage, indent: string) => stageBlock(stage, graph, pipeline, target, options.defaultBranch ?? "main", indent);
  const body: string[] = [];
  body.push(
    ...block(
      `stage(${groovyString(INSTALL_STAGE)})`,
      [
        "steps {",
        `  sh ${groovyString(`curl -fsSL https://dl.dagger.io/dagger/install.sh | BIN_DIR="$WORKSPACE/.dagger/bin" DAGGER_VERSION="$DAGGER_VERSION" sh`)}`,
        "}",
      ],
      "    ",
    ),
  );
  for (const [i, level] of levels(graph).entries()) {
    if (level.length === 1) body.push(...render(level[0]!, "    "));
    else
      body.push(
        ...block(
          `stage(${groovyString(level.map((s) => s.name).join(" + "))})`,
          ["failFast false", "parallel {", ...level.flatMap((s) => render(s, "  ")), "}"],
          "    ",
          `level ${i + 1}`,
        ),
      );
  }
  const lines = [
    ...[
      ...generatedHeader(options),
      `For a multibranch pipeline (BRANCH_NAME, TAG_NAME, CHANGE_ID) on an agent with ${engine ? "curl" : "Docker and curl"};`,
      "the first stage installs the Dagger CLI at the module's engine version. Stages that do not",
      "depend on each other run in parallel; a failed stage stops the stages after it. Each deploy",
      "stage holds a lock per environment (the Lockable Resources plugin), so two builds never roll",
      "out to one environment at once.",
      ...(engine ? [`Every dagger call connects to the shared engine at the environment variable ${engine}.`] : []),
    ].map((l) => `// ${l}`),
    "pipeline {",
    "  agent any",
    "  environment {",
    `    DAGGER_VERSION = ${groovyString(daggerVersion(options))}`,
    `    GANTRY_REF = "${REF_EXPRESSION}"`,
    // The variable's name is a POSIX name (checked when the pipeline file loads), so it is safe as Groovy code.
    ...(engine ? [`    ${RUNNER_HOST} = "\${env.${engine}}"`] : []),
    "  }",
    "  stages {",
    ...body,
    "  }",
    "}",
  ];
  return `${lines.join("\n")}\n`;
}

/** Stages grouped by depth in the graph: each group only waits for earlier groups. */
function levels(graph: StageGraph): Stage[][] {
  const depth = new Map<string, number>();
  for (const stage of graph.stages) depth.set(stage.name, Math.max(0, ...stage.after.map((a) => depth.get(a)! + 1)));
  const groups: Stage[][] = [];
  for (const stage of graph.stages) (groups[depth.get(stage.name)!] ??= []).push(stage);
  return groups;
}

function stageBlock(stage: Stage, graph: StageGraph, pipeline: Pipeline, target: CallTarget, defaultBranch: string, indent: string): string[] {
  const inner: string[] = [];
  const factors = conditionFactors(stage, graph);
  const manual = stage.approval === "manual";
  if (factors.length > 0 || manual) {
    inner.push("when {");
    if (manual) inner.push("  beforeInput true");
    if (factors.length === 0) inner.push("  expression { true }");
    else if (factors.length === 1) inner.push(...anyOf(factors[0]!, defaultBranch).map((l) => `  ${l}`));
    else inner.push("  allOf {", ...factors.flatMap((f) => anyOf(f, defaultBranch).map((l) => `    ${l}`)), "  }");
    inner.push("}");
  }
  if (manual) {
    const what = stage.environment ? `Roll out to ${stage.environment}?` : `Run ${stage.name}?`;
    inner.push("input {", `  message ${groovyString(what)}`, "  ok 'Approve'", "}");
  }
  if (stage.kind === "deploy") inner.push("options {", `  lock(resource: ${groovyString(deployLock(stage.environment!))})`, "}");
  const { script, credentials, reports } = stageScript(stage, graph, pipeline, target);
  const sh = `sh ${groovyString(`${[PATH_LINE, ...scriptLines(script)].join("\n")}\n`)}`;
  inner.push("steps {", ...(credentials.length > 0 ? [`  withCredentials([${credentials.join(", ")}]) {`, `    ${sh}`, "  }"] : [`  ${sh}`]), "}");
  if (reports.length > 0) inner.push("post {", "  always {", ...reports.map((r) => `    ${r}`), "  }", "}");
  return block(`stage(${groovyString(stage.name)})`, inner, indent);
}

/** The lockable resource a deploy to `environment` holds. */
export function deployLock(environment: string): string {
  return `gantry-deploy-${environment}`;
}

function anyOf(when: StageCondition, defaultBranch: string): string[] {
  const regex = (kind: "branch" | "tag", p: string) => `${kind} pattern: ${groovyString(refPatternRegex(p))}, comparator: 'REGEXP'`;
  const conditions = [
    ...(when.defaultBranch ? [`branch ${groovyString(defaultBranch)}`] : []),
    ...(when.branches ?? []).map((p) => regex("branch", p)),
    ...(when.tags ?? []).map((p) => regex("tag", p)),
    ...(when.pullRequests ? ["changeRequest()"] : []),
  ];
  return ["anyOf {", ...conditions.map((c) => `  ${c}`), "}"];
}

interface Script {
  script: (string | ShellCommand)[];
  credentials: string[];
  reports: string[];
}

function stageScript(stage: Stage, graph: StageGraph, pipeline: Pipeline, target: CallTarget): Script {
  const junit = (file: string) => `junit allowEmptyResults: true, testResults: '${file}'`;
  const archive = (path: string) => `archiveArtifacts artifacts: '${path}/**', allowEmptyArchive: true`;
  const bind = (reference: string | undefined) => {
    const variable = secretVariable(reference);
    return variable ? [`string(credentialsId: ${groovyString(variable)}, variable: ${groovyString(variable)})`] : [];
  };
  switch (stage.kind) {
    case "test": {
      const c = stageCommands(stage, target);
      return { script: [...c.reports, ...c.check], credentials: [], reports: [junit(REPORT_FILES.junit), archive(REPORT_PATHS.test)] };
    }
    case "build":
      return { script: stageCommands(stage, target).check, credentials: [], reports: [archive(REPORT_PATHS.dist)] };
    case "image":
      return { script: stageCommands(stage, target).check, credentials: [], reports: [] };
    case "scan": {
      const c = stageCommands(stage, target, { imageName: [pipeline.publish.repository ?? pipeline.name ?? "image", ":", shellVariable("GIT_COMMIT")] });
      return { script: [...c.reports, ...c.check], credentials: [], reports: [junit(REPORT_FILES.scanJunit), archive(REPORT_PATHS.scan)] };
    }
    case "publish": {
      if (pipeline.publish.password) {
        return {
          script: stageCommands(stage, target, { password: pipeline.publish.password }).check,
          credentials: bind(pipeline.publish.password),
          reports: [],
        };
      }
      const c = stageCommands(stage, target, { password: "env:REGISTRY_PASSWORD", username: shellVariable("REGISTRY_USER") });
      return {
        script: c.check,
        credentials: ["usernamePassword(credentialsId: 'registry', usernameVariable: 'REGISTRY_USER', passwordVariable: 'REGISTRY_PASSWORD')"],
        reports: [],
      };
    }
    case "deploy": {
      // Stages share the workspace: the digest publish pushed is read from its output file.
      const image = nearestPublish(stage, graph) ? pushedImageShell("GANTRY_IMAGE") : [];
      const c = stageCommands(stage, target, image.length > 0 ? { image: shellVariable("GANTRY_IMAGE") } : {});
      return { script: [...image, ...c.check], credentials: deploySecretVariables(stage).flatMap((v) => bind(`env:${v}`)), reports: [] };
    }
  }
}

function block(head: string, inner: string[], indent: string, comment?: string): string[] {
  return [`${indent}${head} {${comment ? ` // ${comment}` : ""}`, ...inner.map((l) => `${indent}  ${l}`), `${indent}}`];
}
