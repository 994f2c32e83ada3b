// The generated CI files read by each CI system's own parser, for this repository, the generator
// examples and every generated case of the hostile corpus: actionlint (with shellcheck on each run
// step) for GitHub, gitlab-ci-local (GitLab's JSON schema, then jobs, needs and rules as GitLab
// sees them) for GitLab, Groovy's compiler for the Jenkinsfile. Each check first shows it refuses
// a known-bad file, so a pass means the tool looked. Tools: scripts/install-actionlint.sh,
// scripts/install-gitlab-ci-local.sh and Debian's groovy (scripts/setup.sh).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

import { gitlabJobName } from "../../core/pipeline/ci/gitlab.js";
import { deployLock, INSTALL_STAGE } from "../../core/pipeline/ci/jenkins.js";
import { stageGraph } from "../../core/pipeline/graph.js";
import { refPatternRegex } from "../../core/pipeline/ref-pattern.js";
import { ACTIONLINT, FILES, GITLAB_CI_LOCAL, readJenkinsfiles, subjects, writeSubject, type JenkinsRead } from "../support/ci-consumers.js";
import { runArgv } from "../support/run.js";

const all = subjects();
const dir = mkdtempSync(join(tmpdir(), "gantry-ci-consumers-"));
const dirs = all.map((s, i) => writeSubject(dir, i, s));

/** Runs `work` over `items`, `limit` at a time (the machine has two cores). */
async function pooled<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i]!, i);
    }),
  );
  return results;
}

describe("GitHub workflows under actionlint and shellcheck", () => {
  it("refuses an expression from the event in a run step and shellcheck's findings, so a pass means both looked", async () => {
    const bad = join(dir, "bad.yml");
    writeFileSync(
      bad,
      'on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ github.event.pull_request.title }}" $1\n',
    );
    const result = await runArgv([ACTIONLINT, "-no-color", bad], { cwd: dir });
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/potentially untrusted/);
    expect(result.stdout).toMatch(/shellcheck reported issue/);
  });

  it(`accepts every generated workflow (${all.length} pipelines), in one run`, async () => {
    const result = await runArgv([ACTIONLINT, "-no-color", ...dirs.map((d) => join(d, FILES.github))], { cwd: dir, timeoutMs: 120_000 });
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});

describe("GitLab CI files under gitlab-ci-local", () => {
  const listJson = (cwd: string) => runArgv([GITLAB_CI_LOCAL, "--list-json"], { cwd, timeoutMs: 120_000 });

  it("refuses the .gitlab-ci.yml this repository had, whose image job was GitLab's image: key", async () => {
    const old = join(dir, "old");
    writeSubject(old, 0, { ...all[0]!, files: { [FILES.gitlab]: OLD_GITLAB_CI } });
    const result = await listJson(join(old, "0"));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("needs: [image] for scan could not be found");
  });

  it(`validates every generated file against GitLab's schema and lists the jobs, needs and rules GitLab would (${all.length} pipelines)`, async () => {
    const results = await pooled(dirs, 2, (d) => listJson(d));
    results.forEach((result, i) => {
      const subject = all[i]!;
      expect(result.stderr, subject.name).not.toMatch(/schema validation failed|could not be found|error/i);
      expect(result.status, `${subject.name}: ${result.stderr}`).toBe(0);
      const jobs = JSON.parse(result.stdout) as { name: string; stage: string; when: string; needs: { job: string; optional: boolean }[] | null }[];
      const graph = stageGraph(subject.pipeline.stages);
      expect(
        jobs.map((j) => j.name),
        subject.name,
      ).toEqual(graph.stages.map((s) => gitlabJobName(s.name)));
      for (const [k, stage] of graph.stages.entries()) {
        const job = jobs[k]!;
        expect(job.stage).toBe(stage.name);
        const needs = (job.needs ?? []).map((n) => n.job);
        for (const after of stage.after) expect(needs, `${subject.name}: ${stage.name}`).toContain(gitlabJobName(after));
      }
    });
  }, 300_000);

  it("previews this repository's file with extends expanded", async () => {
    const result = await runArgv([GITLAB_CI_LOCAL, "--preview"], { cwd: dirs[0]!, timeoutMs: 120_000 });
    expect(result.status, result.stderr).toBe(0);
    const preview = parse(result.stdout) as Record<string, { stage?: string; image?: { name: string }; script?: string[] }>;
    expect(preview["gantry:image"]).toMatchObject({ stage: "image", image: { name: "docker:28" } });
    expect(preview["gantry:image"]!.script!.join("\n")).toContain("image --source . digest");
  });
});

describe("Jenkinsfiles under Groovy's compiler", () => {
  let read: JenkinsRead[];
  beforeAll(async () => {
    writeFileSync(
      join(dir, "Jenkinsfile.broken"),
      "pipeline {\n  stages {\n    stage('x') {\n      when { branch pattern: '^release-1\\.x$', comparator: 'REGEXP' }\n      steps { sh 'true' }\n    }\n  }\n}\n",
    );
    read = await readJenkinsfiles([join(dir, "Jenkinsfile.broken"), ...dirs.map((d) => join(d, FILES.jenkins))]);
  }, 120_000);

  it("refuses the escape the generator used to write ('^release-1\\.x$'), so a pass means Groovy compiled", () => {
    expect(read[0]).toMatchObject({ error: expect.stringContaining("unexpected char: '\\'") });
  });

  it("compiles every generated Jenkinsfile; its stages are the pipeline's, each pattern the runner's regular expression, each deploy locked per environment", () => {
    for (const [i, subject] of all.entries()) {
      const result = read[i + 1]!;
      if ("error" in result) throw new Error(`${subject.name}: ${result.error}`);
      const graph = stageGraph(subject.pipeline.stages);
      const stages = result.stages.filter((s) => s.sh.length > 0 && s.name !== INSTALL_STAGE);
      expect(stages.map((s) => s.name).sort(), subject.name).toEqual(graph.stages.map((s) => s.name).sort());
      for (const stage of stages) {
        const own = graph.byName.get(stage.name)!;
        const conditions = [own, ...graph.stages.filter((s) => s.when)].flatMap((s) => [
          ...(s.when?.branches ?? []).map((p) => ({ kind: "branch", pattern: refPatternRegex(p), comparator: "REGEXP" })),
          ...(s.when?.tags ?? []).map((p) => ({ kind: "tag", pattern: refPatternRegex(p), comparator: "REGEXP" })),
        ]);
        for (const pattern of stage.patterns) {
          expect(conditions, `${subject.name}: ${stage.name}`).toContainEqual(pattern);
          expect(() => new RegExp(pattern.pattern)).not.toThrow();
        }
        if (own.when?.defaultBranch) expect(stage.branches).toEqual([subject.options.defaultBranch ?? "main"]);
        expect(stage.locks, `${subject.name}: ${stage.name}`).toEqual(own.kind === "deploy" ? [deployLock(own.environment!)] : []);
      }
    }
  });
});

/** The .gitlab-ci.yml this repository committed before stage names were mapped to job keys (trimmed). */
const OLD_GITLAB_CI = `stages: [test, build, image, scan]
.gantry:
  image: docker:28
test:
  extends: .gantry
  stage: test
  needs: []
  script: [dagger call test]
build:
  extends: .gantry
  stage: build
  needs: []
  script: [dagger call build]
image:
  extends: .gantry
  stage: image
  needs: [build]
  script: [dagger call image]
scan:
  extends: .gantry
  stage: scan
  needs: [image]
  script: [dagger call scan]
`;
