// The generated CI files executed, not only parsed: every GitHub run step (with its env: values read
// as Actions reads them), every GitLab job script (before_script + script, and for a few pipelines
// the whole pipeline through gitlab-ci-local's shell executor) and every Jenkins `sh` body (the
// strings Groovy made of the Jenkinsfile) runs with a recording `dagger` first on PATH and hostile
// values in every variable the CI system provides. No command hidden in a value may run (no PWN-*
// file appears anywhere), and each stage passes dagger exactly the argv the pipeline means, which
// the introspected API accepts.
import { mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";

import { PLAN_JOB } from "../../core/pipeline/ci/github.js";
import { gitlabJobName } from "../../core/pipeline/ci/gitlab.js";
import { INSTALL_STAGE } from "../../core/pipeline/ci/jenkins.js";
import { stageGraph, type Stage } from "../../core/pipeline/graph.js";
import { shellLine, stageCommands } from "../../core/pipeline/commands.js";
import { secretVariable } from "../../core/pipeline/ci/shared.js";
import { coreApi } from "../contract/core-api.js";
import { checkDaggerCall } from "../contract/dagger-argv.js";
import { introspect, type ModuleTypes } from "../contract/introspect.js";
import { FILES, GITLAB_CI_LOCAL, readJenkinsfiles, subjects, writeSubject, type JenkinsRead, type Subject } from "../support/ci-consumers.js";
import { hostile, intendedCalls, PUBLISHED, PUSHED_IMAGE, runScript, stubBin, takeRecords, type CiValues } from "../support/ci-execution.js";
import { evaluate } from "../support/github-expressions.js";
import { runArgv } from "../support/run.js";

const all = subjects();
const dir = mkdtempSync(join(tmpdir(), "gantry-ci-execution-"));
const bin = stubBin(dir);
const records = join(dir, "records");
mkdirSync(records);
const base = { PATH: `${bin}:/usr/local/bin:/usr/bin:/bin`, HOME: dir, LANG: "C.UTF-8", RECORD_DIR: records, PUBLISHED };
const SECRET = hostile("secret");

/** Every argv dagger got, by where, for the API check at the end. */
const recorded: { where: string; argv: string[] }[] = [];

function graphStage(subject: Subject, name: string): Stage {
  return stageGraph(subject.pipeline.stages).byName.get(name)!;
}

/** PWN-* files anywhere under dir: proof that some value ran as code. */
function markers(at: string): string[] {
  return readdirSync(at, { recursive: true, encoding: "utf8" }).filter((p) => p.split("/").at(-1)!.startsWith("PWN"));
}

function expectCalls(where: string, calls: string[][], intended: string[][]): void {
  expect(calls, where).toEqual(intended);
  for (const argv of calls) recorded.push({ where, argv });
}

describe("the harness", () => {
  it("sees a marker when a value does run, and records dagger's argv word for word", async () => {
    const control = join(dir, "control");
    const ran = await runScript(["sh", "-e"], `x=${"$"}(echo '$(touch PWN-control)'); eval "y=$x"\ndagger call --x "a b" ''\n`, control, base);
    expect(ran.status, ran.stderr).toBe(0);
    expect(markers(control)).toEqual(["PWN-control"]);
    expect(takeRecords(records)).toEqual([["call", "--x", "a b", ""]]);
    rmSync(control, { recursive: true });
  });
});

describe("the gate check a job runs on its exported reports", () => {
  const testStage = all.flatMap((subject) => [...stageGraph(subject.pipeline.stages).byName.values()]).find((stage) => stage.kind === "test")!;
  const gate = shellLine(stageCommands(testStage, { config: "pipelines/gantry.yaml", ref: "refs/heads/main" }).check[0]!);
  const judge = async (content: string | undefined) => {
    const at = join(dir, `gate-${Math.random().toString(36).slice(2)}`);
    mkdirSync(join(at, "reports/test"), { recursive: true });
    if (content !== undefined) writeFileSync(join(at, "reports/test/gate.txt"), content);
    const ran = await runScript(["sh", "-e"], `${gate}\n`, at, base);
    return { status: ran.status, stderr: ran.stderr, markers: markers(at) };
  };

  it("passes a passed gate, and fails a failed, missing, empty or foreign one, printing why", async () => {
    expect((await judge("passed\n")).status).toBe(0);
    const failed = await judge(`failed\ngo test failed (exit code 1): 1 of 9 tests failed\n  FAIL example.com/api.${hostile("test")}\n`);
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toContain("FAIL example.com/api.");
    expect(failed.markers).toEqual([]);
    for (const content of [undefined, "", "passed but not really\n", " passed\n", `${hostile("gate")}\n`]) {
      const ran = await judge(content);
      expect(ran.status, JSON.stringify(content)).not.toBe(0);
      expect(ran.markers, JSON.stringify(content)).toEqual([]);
    }
  });
});

describe("GitHub run steps", () => {
  const ci = {
    GITHUB_REF: `refs/heads/${hostile("ref")}`,
    GITHUB_REPOSITORY: `acme/${hostile("repository")}`,
    GITHUB_ACTOR: hostile("actor"),
  };
  const needsImage = hostile("needs-image");
  const values: CiValues = {
    ref: ci.GITHUB_REF,
    scanImageName: (repository) => repository ?? `ghcr.io/${ci.GITHUB_REPOSITORY}`,
    username: (p) => (p.publish.username ? undefined : ci.GITHUB_ACTOR),
    defaultPassword: "env:GITHUB_TOKEN",
    deployImage: needsImage,
  };
  const resolve = (expression: string): string => {
    if (/^secrets\./.test(expression)) return SECRET;
    if (/^vars\./.test(expression)) return hostile("vars");
    if (/^needs\.[a-z0-9-]+\.outputs\.image$/.test(expression)) return needsImage;
    if (expression === "github.event.repository.default_branch") return hostile("default-branch");
    throw new Error(`an expression the test does not provide: ${expression}`);
  };

  it.each(all.map((s, i) => [s.name, s, i] as const))("%s: run as Actions runs them, with hostile values", async (_name, subject, i) => {
    type Step = { run?: string; env?: Record<string, string> };
    const workflow = parse(subject.files[FILES.github]!) as { env: Record<string, string>; jobs: Record<string, { steps: Step[] }> };
    const at = join(dir, "github", String(i));
    takeRecords(records);
    for (const [id, job] of Object.entries(workflow.jobs)) {
      const cwd = join(at, id);
      for (const step of job.steps.filter((s) => s.run !== undefined)) {
        const env = Object.fromEntries(Object.entries({ ...workflow.env, ...step.env }).map(([k, v]) => [k, evaluate(String(v), resolve)]));
        const files = { GITHUB_OUTPUT: join(cwd, ".output"), GITHUB_STEP_SUMMARY: join(cwd, ".summary") };
        // GitHub's default shell on Linux runners.
        const ran = await runScript(["bash", "--noprofile", "--norc", "-eo", "pipefail"], step.run!, cwd, { ...base, ...ci, ...files, ...env });
        expect(ran.status, `${id}: ${ran.stderr}`).toBe(0);
      }
      const calls = takeRecords(records);
      if (id === PLAN_JOB) expect(calls).toEqual([]);
      else expectCalls(`${subject.name}: GitHub job ${id}`, calls, intendedCalls(graphStage(subject, id), subject.pipeline, subject.options, values));
    }
    expect(markers(at)).toEqual([]);
  });
});

const gitlabCi = {
  CI_COMMIT_BRANCH: hostile("branch"),
  CI_COMMIT_REF_NAME: hostile("ref-name"),
  CI_COMMIT_TAG: "",
  CI_MERGE_REQUEST_IID: "",
  CI_REGISTRY_IMAGE: `registry.gitlab.example/${hostile("registry-image")}`,
  CI_COMMIT_SHORT_SHA: hostile("sha"),
  CI_REGISTRY_USER: hostile("registry-user"),
  CI_REGISTRY_PASSWORD: SECRET,
};
const gitlabValues = (deployImage: string, ci: Record<string, string> = gitlabCi): CiValues => ({
  ref: `refs/heads/${ci.CI_COMMIT_BRANCH}`,
  scanImageName: (repository) => `${repository ?? ci.CI_REGISTRY_IMAGE}:${ci.CI_COMMIT_SHORT_SHA}`,
  username: (p) => (p.publish.username ? undefined : ci.CI_REGISTRY_USER),
  defaultPassword: "env:CI_REGISTRY_PASSWORD",
  deployImage,
});

describe("GitLab job scripts", () => {
  const dotenvImage = hostile("dotenv-image");

  it.each(all.map((s, i) => [s.name, s, i] as const))("%s: before_script and script in sh, with hostile values", async (_name, subject, i) => {
    const ci = parse(subject.files[FILES.gitlab]!) as Record<string, { before_script?: string[]; script?: string[]; stage?: string }> & {
      variables: Record<string, string>;
    };
    const at = join(dir, "gitlab", String(i));
    takeRecords(records);
    for (const stage of stageGraph(subject.pipeline.stages).stages) {
      const job = ci[gitlabJobName(stage.name)]!;
      const script = [...ci[".gantry"]!.before_script!, ...job.script!].join("\n");
      const ran = await runScript(["sh", "-e"], script, join(at, stage.name), { ...base, ...ci.variables, ...gitlabCi, GANTRY_IMAGE: dotenvImage });
      expect(ran.status, `${stage.name}: ${ran.stderr}`).toBe(0);
      expectCalls(
        `${subject.name}: GitLab job ${stage.name}`,
        takeRecords(records),
        intendedCalls(stage, subject.pipeline, subject.options, gitlabValues(dotenvImage)),
      );
    }
    expect(markers(at)).toEqual([]);
  });
});

describe("GitLab pipelines run by gitlab-ci-local's shell executor", () => {
  // The Docker-in-Docker service is for GitLab's runners; the shell executor has no Docker.
  const withoutServices = (text: string) => {
    const ci = parse(text) as Record<string, Record<string, unknown>>;
    delete ci[".gantry"]!.services;
    return stringify(ci, { lineWidth: 0 });
  };
  // gitlab-ci-local's shell executor logs each command with an echo that runs backquoted text (GitLab's
  // runner does not), so these pipelines are the hostile ones without a backquote in their values;
  // the sh runs above cover the rest.
  const chosen = ["this repository", "kubeconfig-cmd-quotes", "approvals-and-conditions"];

  it.each(chosen.map((name) => [name, all.find((s) => s.name === name)!] as const))(
    "%s: every job runs, publish's digest reaches deploy through the dotenv report",
    async (name, subject) => {
      expect(JSON.stringify(subject.files[FILES.gitlab]), name).not.toContain("`");
      takeRecords(records);
      const at = writeSubject(join(dir, "gitlab-ci-local"), chosen.indexOf(name), {
        ...subject,
        files: { [FILES.gitlab]: withoutServices(subject.files[FILES.gitlab]!) },
      });
      for (const argv of [
        ["git", "init", "-q", "."],
        ["git", "add", "."],
        ["git", "-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit", "-qm", "ci"],
      ]) {
        expect((await runArgv(argv, { cwd: at })).status).toBe(0);
      }
      const graph = stageGraph(subject.pipeline.stages);
      const manual = graph.stages.filter((s) => s.approval === "manual").flatMap((s) => ["--manual", gitlabJobName(s.name)]);
      // GitLab expands $NAME and ${NAME} inside the values of variables it is given, so these values hold none.
      const given = Object.fromEntries(Object.entries(gitlabCi).map(([k, v]) => [k, v.replace("${IFS} ", "")]));
      const variables = Object.entries({ ...given, CI_DEFAULT_BRANCH: given.CI_COMMIT_BRANCH }).flatMap(([k, v]) => ["--variable", `${k}=${v}`]);
      const ignore = ["--ignore-predefined-vars", [...Object.keys(gitlabCi), "CI_DEFAULT_BRANCH"].join(",")];
      const listed = await runArgv([GITLAB_CI_LOCAL, "--list-json", ...ignore, ...variables], { cwd: at, env: { ...base }, timeoutMs: 120_000 });
      expect(listed.status, listed.stderr).toBe(0);
      // The jobs GitLab's rules let run for this branch, as gitlab-ci-local evaluates them.
      const running = new Set((JSON.parse(listed.stdout) as { name: string; when: string }[]).filter((j) => j.when !== "never").map((j) => j.name));
      expect(running.size, name).toBeGreaterThanOrEqual(5);
      const ran = await runArgv([GITLAB_CI_LOCAL, "--force-shell-executor", ...ignore, ...variables, ...manual], {
        cwd: at,
        env: { ...base },
        timeoutMs: 180_000,
      });
      writeFileSync(join(at, "gitlab-ci-local.log"), ran.stdout + ran.stderr);
      expect(ran.status, ran.stdout + ran.stderr).toBe(0);
      const calls = takeRecords(records);
      // Jobs run in stage order, so the calls are each stage's in that order.
      const intended = graph.stages
        .filter((s) => running.has(gitlabJobName(s.name)))
        .flatMap((s) => intendedCalls(s, subject.pipeline, subject.options, gitlabValues(PUSHED_IMAGE, given)));
      expect(calls.map((c) => c[c.indexOf("call") + 5]).sort(), name).toEqual(intended.map((c) => c[c.indexOf("call") + 5]).sort());
      for (const call of calls) expect(intended, name).toContainEqual(call);
      for (const argv of calls) recorded.push({ where: `${name}: gitlab-ci-local`, argv });
      expect(markers(at)).toEqual([]);
    },
    200_000,
  );
});

describe("Jenkins sh steps", () => {
  let read: JenkinsRead[];
  beforeAll(async () => {
    const dirs = all.map((s, i) => writeSubject(join(dir, "jenkinsfiles"), i, s));
    read = await readJenkinsfiles(dirs.map((d) => join(d, FILES.jenkins)));
  }, 120_000);

  const ci = { GANTRY_REF: `refs/heads/${hostile("ref")}`, GIT_COMMIT: hostile("commit"), REGISTRY_USER: hostile("registry-user"), REGISTRY_PASSWORD: SECRET };
  const values = (subject: Subject): CiValues => ({
    ref: ci.GANTRY_REF,
    scanImageName: (repository) => `${repository ?? subject.pipeline.name ?? "image"}:${ci.GIT_COMMIT}`,
    username: (p) => (p.publish.password ? undefined : ci.REGISTRY_USER),
    defaultPassword: "env:REGISTRY_PASSWORD",
    deployImage: PUSHED_IMAGE,
  });

  it.each(all.map((s, i) => [s.name, s, i] as const))(
    "%s: every stage's sh bodies in one workspace, as Jenkins runs them (sh -xe)",
    async (_name, subject, i) => {
      const result = read[i]!;
      if ("error" in result) throw new Error(result.error);
      const workspace = join(dir, "jenkins", String(i));
      takeRecords(records);
      for (const stage of result.stages.filter((s) => s.sh.length > 0 && s.name !== INSTALL_STAGE)) {
        const credentials = Object.fromEntries(
          stage.credentials.flatMap((c) => [
            ...[c.variable, c.passwordVariable].filter(Boolean).map((v) => [v!, SECRET]),
            ...(c.usernameVariable ? [[c.usernameVariable, ci.REGISTRY_USER]] : []),
          ]),
        );
        const own = graphStage(subject, stage.name);
        expect(
          stage.credentials.map((c) => c.variable ?? c.credentialsId),
          stage.name,
        ).toEqual(
          own.kind === "deploy"
            ? [secretVariable(own.kubeconfig)].filter(Boolean)
            : own.kind === "publish"
              ? [subject.pipeline.publish.password ? secretVariable(subject.pipeline.publish.password) : "registry"].filter(Boolean)
              : [],
        );
        for (const body of stage.sh) {
          const ran = await runScript(["sh", "-xe"], body, workspace, { ...base, ...ci, ...credentials, WORKSPACE: workspace });
          expect(ran.status, `${stage.name}: ${ran.stderr}`).toBe(0);
        }
        expectCalls(
          `${subject.name}: Jenkins stage ${stage.name}`,
          takeRecords(records),
          intendedCalls(own, subject.pipeline, subject.options, values(subject)),
        );
      }
      expect(markers(workspace)).toEqual([]);
    },
  );
});

describe("the argv every job passed to dagger", () => {
  let mod: ModuleTypes;
  beforeAll(async () => {
    mod = await introspect();
  }, 120_000);

  it("is accepted by the introspected API, and nothing anywhere ran a hidden command", () => {
    expect(recorded.length).toBeGreaterThan(all.length * 10);
    const problems = recorded.flatMap(({ where, argv }) => checkDaggerCall(argv.slice(argv.indexOf("call") + 1), mod, coreApi()).map((p) => `${where}: ${p}`));
    expect(problems).toEqual([]);
    expect(markers(dir)).toEqual([]);
  });
});

// Keeps the written files small when a run is inspected by hand.
writeFileSync(join(dir, "README"), "Scripts of generated CI files run by test/host/ci-execution.test.ts\n");
