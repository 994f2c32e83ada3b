// The generated CI files against real tools: actionlint (with shellcheck on every run step) for
// the GitHub workflows, and bash running the workflow's plan job, which must decide each ref as
// the engine-free runner does. Both tools are installed by scripts/install-actionlint.sh.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";
import { parse } from "yaml";

import { ciFiles } from "../../core/pipeline/ci/files.js";
import { GITHUB_PUBLISH_WORKFLOW_FILE, GITHUB_WORKFLOW_FILE, githubWorkflow, PLAN_JOB } from "../../core/pipeline/ci/github.js";
import type { Pipeline } from "../../core/pipeline/schema.js";
import { conditionMatches } from "../../core/pipeline/conditions.js";
import { stageGraph } from "../../core/pipeline/graph.js";
import { parseGitRef } from "../../core/image/tags.js";
import { EXAMPLES, root } from "../unit/pipeline/ci-pipelines.js";

const ACTIONLINT = join(root, ".tools/bin/actionlint");

function run(argv: string[], input: string, env: Record<string, string> = {}): Promise<{ status: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { env: { ...process.env, ...env } });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status: status ?? -1, output }));
    // A program may exit before reading all its input; its exit status says how it went.
    child.stdin.on("error", (e: NodeJS.ErrnoException) => e.code !== "EPIPE" && reject(e));
    child.stdin.end(input);
  });
}

const lint = (text: string) => run([ACTIONLINT, "-no-color", "-stdin-filename", ".github/workflows/gantry.yml", "-"], text);

describe("generated GitHub workflows under actionlint and shellcheck", () => {
  it("finds shellcheck's complaints in run steps, so a clean result means shellcheck looked", async () => {
    const bad = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo $1 $FOO\n";
    const result = await lint(bad);
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/shellcheck reported issue in this script: SC2086/);
  });

  it.each(EXAMPLES.map((e) => [e.name, e] as const))("passes for %s", async (_name, example) => {
    const result = await lint(githubWorkflow(example.pipeline, example.options));
    expect(result.output).toBe("");
    expect(result.status).toBe(0);
  });

  it("passes for the committed .github/workflows files", async () => {
    for (const file of ["gantry.yml", "ci.yml"]) {
      const result = await lint(readFileSync(join(root, ".github/workflows", file), "utf8"));
      expect(result.output, file).toBe("");
    }
  });
});

/** The generated GitHub files written into a repository of their own, linted together so actionlint checks the call against the called workflow. */
async function lintProject(files: Record<string, string>): Promise<{ status: number; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), "gantry-actionlint-"));
  mkdirSync(join(dir, ".git"));
  mkdirSync(join(dir, ".github/workflows"), { recursive: true });
  const paths = Object.keys(files).filter((p) => p.startsWith(".github/"));
  for (const path of paths) writeFileSync(join(dir, path), files[path]!);
  return run([ACTIONLINT, "-no-color", ...paths.map((p) => join(dir, p))], "");
}

const reusable = (pipeline: Pipeline, setting: Pipeline["ci"]["github"]["reusablePublish"]): Pipeline => ({
  ...pipeline,
  ci: { ...pipeline.ci, github: { reusablePublish: setting } },
});

describe("publish in a reusable workflow (ci.github.reusablePublish) under actionlint", () => {
  it.each(EXAMPLES.map((e) => [e.name, e] as const))(
    "passes for %s, the call checked against the called workflow's inputs, secrets and outputs",
    async (_name, example) => {
      const files = ciFiles(reusable(example.pipeline, true), example.options);
      expect(Object.keys(files)).toContain(GITHUB_PUBLISH_WORKFLOW_FILE);
      const result = await lintProject(files);
      expect(result.output).toBe("");
      expect(result.status).toBe(0);
    },
  );

  it("passes with a registry password in a secret of its own, handed to the called workflow", async () => {
    const example = EXAMPLES.find((e) => e.name === "kitchen sink")!;
    const pipeline = reusable({ ...example.pipeline, publish: { ...example.pipeline.publish, password: "env:REGISTRY_TOKEN" } }, true);
    const result = await lintProject(ciFiles(pipeline, example.options));
    expect(result.output).toBe("");
  });

  it("fails when the call and the called workflow disagree, so a clean result means actionlint read both", async () => {
    const example = EXAMPLES[1]!;
    const files = ciFiles(reusable(example.pipeline, true), example.options);
    const broken = { ...files, [GITHUB_PUBLISH_WORKFLOW_FILE]: files[GITHUB_PUBLISH_WORKFLOW_FILE]!.replace("      config:\n", "      pipeline:\n") };
    const result = await lintProject(broken);
    expect(result.output).toMatch(/input "config" is not defined in "\.\/\.github\/workflows\/gantry-publish\.yml" reusable workflow/);
    expect(Object.keys(broken)).toContain(GITHUB_WORKFLOW_FILE);
  });
});

describe("the workflow's plan job in bash", () => {
  const refs = [
    "refs/heads/main",
    "refs/heads/trunk",
    "refs/heads/release/2.0",
    "refs/heads/release/2.0/x",
    "refs/heads/feature/a/b",
    "refs/heads/fix-1",
    "refs/heads/fix-12",
    "refs/tags/v1.2.3",
    "refs/tags/v1.2",
    "refs/tags/vnext",
    "refs/pull/7/merge",
  ];

  it.each(EXAMPLES.map((e) => [e.name, e] as const))("decides every ref as the runner does for %s", async (_name, example) => {
    const workflow = parse(githubWorkflow(example.pipeline, example.options)) as { jobs: Record<string, { steps: { run: string }[] }> };
    const script = workflow.jobs[PLAN_JOB]!.steps[0]!.run;
    const graph = stageGraph(example.pipeline.stages);
    const conditional = graph.stages.filter((s) => s.when);
    const dir = mkdtempSync(join(tmpdir(), "gantry-plan-"));
    const seen = new Set<string>();
    for (const [i, ref] of refs.entries()) {
      const output = join(dir, `out-${i}`);
      const result = await run(["bash", "-euo", "pipefail", "-c", script], "", { GITHUB_REF: ref, DEFAULT_BRANCH: "main", GITHUB_OUTPUT: output });
      expect(result, ref).toMatchObject({ status: 0, output: "" });
      const decided = Object.fromEntries(
        readFileSync(output, "utf8")
          .trim()
          .split("\n")
          .map((l) => l.split("=") as [string, string]),
      );
      const expected = Object.fromEntries(conditional.map((s) => [s.name, String(conditionMatches(s.when, parseGitRef(ref), "main"))]));
      expect(decided, ref).toEqual(expected);
      for (const value of Object.values(decided)) seen.add(value);
    }
    expect([...seen].sort()).toEqual(["false", "true"]); // the refs exercise both answers
  });
});
