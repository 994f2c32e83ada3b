import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";
import { parse } from "yaml";

import { repositoryCiFiles } from "../../../scripts/ci-files.js";
import { ACTIONS, githubWorkflow, PLAN_JOB } from "../../../core/pipeline/ci/github.js";
import { gitlabCi, gitlabJobName } from "../../../core/pipeline/ci/gitlab.js";
import { INSTALL_STAGE, jenkinsfile } from "../../../core/pipeline/ci/jenkins.js";
import { REPORT_FILES } from "../../../core/pipeline/commands.js";
import { stageGraph } from "../../../core/pipeline/graph.js";
import { refPatternRegex } from "../../../core/pipeline/ref-pattern.js";
import { loadPipeline } from "../../../core/pipeline/load.js";
import { ENGINE_VERSION, EXAMPLES, root } from "./ci-pipelines.js";

type Job = Record<string, any>;
const [gantry, canary, sink] = EXAMPLES as [(typeof EXAMPLES)[0], (typeof EXAMPLES)[0], (typeof EXAMPLES)[0]];
const github = (e = canary) => parse(githubWorkflow(e.pipeline, e.options)) as { jobs: Record<string, Job>; env: Record<string, string>; permissions: object };
const gitlab = (e = canary) => parse(gitlabCi(e.pipeline, e.options)) as Record<string, any>;
const steps = (job: Job) => job.steps as Job[];
const runs = (job: Job) =>
  steps(job)
    .map((s) => s.run ?? "")
    .join("\n");

describe("this repository's CI files", () => {
  it.each(Object.entries(repositoryCiFiles(root)))("%s is what npm run ci-files writes from pipelines/gantry.yaml", (path, text) => {
    expect(readFileSync(`${root}${path}`, "utf8")).toBe(text);
  });
});

describe("the generated GitHub workflow", () => {
  it("pins every action by a full commit SHA with its version in a comment", () => {
    const text = githubWorkflow(canary.pipeline, canary.options);
    const uses = [...text.matchAll(/uses: (\S+)@(\S+) # (.*)$/gm)];
    expect(uses.length).toBeGreaterThan(10);
    for (const [, action, ref, comment] of uses) {
      const pinned = Object.values(ACTIONS).find((a) => a.uses === action)!;
      expect(ref).toMatch(/^[0-9a-f]{40}$/);
      expect(comment).toBe(pinned.version);
    }
    expect(text.match(/uses: /g)).toHaveLength(uses.length);
  });

  it("pins the same commits as the repository's own ci.yml", () => {
    const ci = readFileSync(`${root}.github/workflows/ci.yml`, "utf8");
    for (const action of Object.values(ACTIONS)) {
      for (const [, ref] of ci.matchAll(new RegExp(`uses: ${action.uses}@(\\S+)`, "g"))) expect(ref, action.uses).toBe(action.commit);
    }
    expect(ci).toContain(`dagger/dagger-for-github@${ACTIONS.dagger.commit} # ${ACTIONS.dagger.version}`);
  });

  it("installs the Dagger CLI at dagger.json's engine version in every stage job", () => {
    const wf = github();
    expect(`v${wf.env.DAGGER_VERSION}`).toBe(ENGINE_VERSION);
    for (const [name, job] of Object.entries(wf.jobs).filter(([n]) => n !== PLAN_JOB)) {
      expect(steps(job).find((s) => String(s.uses).startsWith("dagger/dagger-for-github@"))?.with, name).toEqual({ version: "${{ env.DAGGER_VERSION }}" });
    }
  });

  it("keeps the stage graph as needs, with the gates and the plan job where conditions are", () => {
    const wf = github();
    expect(wf.jobs.test!.needs).toBeUndefined();
    expect(wf.jobs.scan!.needs).toEqual(["image"]);
    expect(wf.jobs.publish!.needs).toEqual(["gantry_plan", "test", "scan"]);
    expect(wf.jobs.publish!.if).toBe(
      "${{ !cancelled() && needs.test.result == 'success' && needs.scan.result == 'success' && needs.gantry_plan.outputs.publish == 'true' }}",
    );
    expect(wf.jobs["deploy-production"]!.needs).toEqual(["gantry_plan", "deploy-staging", "test", "scan", "publish"]);
    expect(Object.keys(wf.jobs.gantry_plan!.outputs)).toEqual(["publish", "deploy-production"]);
    expect(github(gantry).jobs.gantry_plan!.outputs).toEqual({ publish: "${{ steps.plan.outputs.publish }}" });
  });

  it("uploads the JUnit report, sends SARIF to code scanning and writes the summaries to the job summary", () => {
    const wf = github();
    const upload = steps(wf.jobs.test!).find((s) => String(s.uses).startsWith("actions/upload-artifact@"))!;
    expect(upload).toMatchObject({ if: "always()", with: { name: "test-reports", path: "reports/test" } });
    expect(REPORT_FILES.junit.startsWith(`${upload.with.path}/`)).toBe(true);
    expect(runs(wf.jobs.test!)).toContain(`cat ${REPORT_FILES.testSummary} >> "$GITHUB_STEP_SUMMARY"`);
    const sarif = steps(wf.jobs.scan!).find((s) => String(s.uses).startsWith("github/codeql-action/upload-sarif@"))!;
    expect(sarif.with).toEqual({ sarif_file: REPORT_FILES.sarif, category: "gantry-scan" });
    expect(wf.jobs.scan!.permissions).toMatchObject({ "security-events": "write" });
    expect(runs(wf.jobs.scan!)).toContain(`cat ${REPORT_FILES.scanSummary} >> "$GITHUB_STEP_SUMMARY"`);
    expect(runs(wf.jobs.publish!)).toContain('>> "$GITHUB_STEP_SUMMARY"');
  });

  it("publishes to GHCR with GITHUB_TOKEN, packages: write and the full history", () => {
    const job = github(gantry).jobs.publish!;
    expect(job.permissions).toEqual({ contents: "read", packages: "write" });
    expect(steps(job)[0]!.with).toEqual({ "fetch-depth": 0 });
    const publish = steps(job).find((s) => s.id === "publish")!;
    expect(publish.env).toEqual({ GANTRY_PASSWORD: "env:GITHUB_TOKEN", GITHUB_TOKEN: "${{ secrets.GITHUB_TOKEN }}" });
    expect(publish.run).toContain('publish --source . --username "$GITHUB_ACTOR" --password "$GANTRY_PASSWORD"');
    expect(github(gantry).permissions).toEqual({ contents: "read" });
  });

  it("binds deploy jobs to GitHub environments, one rollout at a time each, with publish's digest", () => {
    const wf = github();
    for (const env of ["staging", "production"]) {
      const job = wf.jobs[`deploy-${env}`]!;
      expect(job.environment).toEqual({ name: env });
      expect(job.concurrency).toEqual({ group: `gantry-deploy-${env}`, "cancel-in-progress": false });
      const step = steps(job).at(-1)!;
      expect(step.env).toMatchObject({
        GANTRY_IMAGE: "${{ needs.publish.outputs.image }}",
        GANTRY_ENVIRONMENT: env,
        GANTRY_KUBECONFIG: `env:${env.toUpperCase()}_KUBECONFIG`,
      });
      expect(step.run).toContain('environment --source . --name "$GANTRY_ENVIRONMENT" --kubeconfig "$GANTRY_KUBECONFIG" deploy --image "$GANTRY_IMAGE"');
    }
    expect(wf.jobs.publish!.outputs).toEqual({ image: "${{ steps.publish.outputs.image }}" });
    expect(githubWorkflow(canary.pipeline, canary.options)).toMatch(/^# Approvals: give the GitHub environments production required reviewers/m);
  });

  it("gives a deploy job the secrets its notify: references read, and deployments: write for GitHub deployment statuses", () => {
    const text = `environments:\n  staging: {namespace: s}\nstages:\n  - name: build\n  - {name: image, needs: [build]}\n  - {name: publish, needs: [image]}\n  - name: deploy-staging\n    environment: staging\n    needs: [publish]\n    kubeconfig: env:KUBE\n    notify: {slack: env:SLACK_HOOK, webhook: 'file:/run/hook', github: {token: env:GITHUB_TOKEN, repository: acme/api}, grafana: {url: 'https://g.example.com', token: env:GRAFANA_TOKEN}}\n`;
    const wf = parse(githubWorkflow(loadPipeline(text, "p.yaml"), canary.options)) as { jobs: Record<string, Job> };
    const job = wf.jobs["deploy-staging"]!;
    expect(job.permissions).toEqual({ contents: "read", deployments: "write" });
    expect(steps(job).at(-1)!.env).toEqual({
      GANTRY_ENVIRONMENT: "staging",
      GANTRY_IMAGE: "${{ needs.publish.outputs.image }}",
      GANTRY_KUBECONFIG: "env:KUBE",
      KUBE: "${{ secrets.KUBE }}",
      SLACK_HOOK: "${{ secrets.SLACK_HOOK }}",
      GITHUB_TOKEN: "${{ secrets.GITHUB_TOKEN }}",
      GRAFANA_TOKEN: "${{ secrets.GRAFANA_TOKEN }}",
    });
    // Jenkins binds the same variables from credentials of those names.
    const jenkins = jenkinsfile(loadPipeline(text, "p.yaml"), canary.options);
    expect(jenkins).toContain(
      "withCredentials([string(credentialsId: 'KUBE', variable: 'KUBE'), string(credentialsId: 'SLACK_HOOK', variable: 'SLACK_HOOK'), string(credentialsId: 'GITHUB_TOKEN', variable: 'GITHUB_TOKEN'), string(credentialsId: 'GRAFANA_TOKEN', variable: 'GRAFANA_TOKEN')])",
    );
  });

  it("calls a remote module when given one, always with --source ., both named through env", () => {
    const text = githubWorkflow(sink.pipeline, sink.options);
    const calls = text.match(/dagger .*call .*/g)!;
    expect(calls.length).toBeGreaterThan(5);
    for (const call of calls) {
      expect(call).toMatch(/^dagger -m "\$GANTRY_MODULE" call --config "\$GANTRY_CONFIG" --ref "\$GITHUB_REF" \S+ --source \. /);
    }
    expect(github(sink).env).toMatchObject({ GANTRY_MODULE: "github.com/acme/gantry@v0.2.0", GANTRY_CONFIG: "pipelines/api.yaml" });
    // A manual stage that deploys nowhere still waits for reviewers, in an environment of its name.
    expect(github(sink).jobs.publish!.environment).toEqual({ name: "publish" });
  });
});

describe("the generated GitLab CI file", () => {
  it("runs the engine in Docker-in-Docker with the whole history and the pinned CLI", () => {
    const ci = gitlab();
    expect(ci[".gantry"].services).toEqual(["docker:28-dind"]);
    expect(ci.variables).toMatchObject({ GIT_DEPTH: "0", DAGGER_VERSION: ENGINE_VERSION.slice(1) });
    expect(gitlabCi(canary.pipeline, canary.options)).toMatch(/privileged = true/);
  });

  it("has one GitLab stage per stage and needs that name existing jobs", () => {
    for (const example of EXAMPLES) {
      const ci = gitlab(example);
      const jobs = Object.keys(ci).filter((k) => !["workflow", "variables", "stages", ".gantry"].includes(k));
      expect(ci.stages.map(gitlabJobName)).toEqual(jobs);
      for (const [i, job] of jobs.entries()) {
        expect(ci[job].stage).toBe(ci.stages[i]);
        expect(ci[job].extends).toBe(".gantry");
        for (const need of ci[job].needs as (string | { job: string; optional: boolean })[]) {
          expect(jobs).toContain(typeof need === "string" ? need : need.job);
        }
      }
    }
  });

  it("declares the test and scan reports GitLab reads", () => {
    const ci = gitlab();
    expect(ci.test.artifacts).toMatchObject({ when: "always", reports: { junit: REPORT_FILES.junit } });
    expect(ci.test.coverage).toBe("/coverage (\\d+(?:\\.\\d+)?)%/");
    expect(ci.scan.artifacts).toMatchObject({ when: "always", reports: { container_scanning: REPORT_FILES.gitlabScan, junit: REPORT_FILES.scanJunit } });
    expect(ci.publish.artifacts.reports).toEqual({ dotenv: "publish.env" });
  });

  it("turns conditions into rules (the runner's regexes), inherited by dependants, and approvals into when: manual", () => {
    const ci = gitlab();
    const tag = `$CI_COMMIT_TAG =~ /${refPatternRegex("v[0-9]*").replace(/\//g, "\\/")}/`;
    expect(ci.publish.rules).toEqual([{ if: `$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH || ${tag}` }]);
    expect(ci["deploy-staging"].rules).toEqual(ci.publish.rules);
    expect(ci["deploy-production"].rules).toEqual([
      { if: `(${tag}) && ($CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH || ${tag})`, when: "manual", allow_failure: false },
    ]);
    expect(ci["deploy-production"].environment).toEqual({ name: "production" });
    expect(ci["deploy-production"].needs).toEqual(["deploy-staging", "publish", { job: "test", optional: true }, { job: "scan", optional: true }]);
    expect(ci.test.rules).toBeUndefined();
    const lint = gitlab(sink).lint;
    expect(lint.rules[0].if).toBe(
      '$CI_COMMIT_BRANCH =~ /^feature\\/.*$/ || $CI_COMMIT_BRANCH =~ /^fix-[^\\/]$/ || $CI_PIPELINE_SOURCE == "merge_request_event"',
    );
    expect(gitlab(sink).publish.rules[0]).toMatchObject({ when: "manual" });
  });
});

describe("a shared engine named by a CI variable", () => {
  const shared = loadPipeline("ci:\n  engine:\n    hostVariable: DAGGER_ENGINE_HOST\n", "pipelines/shared.yaml");
  const options = { config: "pipelines/shared.yaml", engineVersion: ENGINE_VERSION };

  it("reaches every GitHub job through the workflow's env, from a repository variable", () => {
    expect((parse(githubWorkflow(shared, options)) as { env: object }).env).toMatchObject({
      _EXPERIMENTAL_DAGGER_RUNNER_HOST: "${{ vars.DAGGER_ENGINE_HOST }}",
    });
  });

  it("replaces GitLab's Docker-in-Docker service and its variables", () => {
    const ci = parse(gitlabCi(shared, options)) as Record<string, any>;
    expect(ci.variables).toEqual({ DAGGER_VERSION: ENGINE_VERSION.slice(1), GIT_DEPTH: "0", _EXPERIMENTAL_DAGGER_RUNNER_HOST: "$DAGGER_ENGINE_HOST" });
    expect(ci[".gantry"].services).toBeUndefined();
    expect(gitlab().variables).toMatchObject({ DOCKER_HOST: "tcp://docker:2376" });
  });

  it("reaches every Jenkins stage through the pipeline's environment", () => {
    expect(jenkinsfile(shared, options)).toMatch(/^ {4}_EXPERIMENTAL_DAGGER_RUNNER_HOST = "\$\{env\.DAGGER_ENGINE_HOST\}"$/m);
    expect(jenkinsfile(canary.pipeline, canary.options)).not.toContain("_EXPERIMENTAL_DAGGER_RUNNER_HOST");
  });
});

describe("the generated Jenkinsfile", () => {
  /** Braces balance outside strings and comments. */
  function balanced(text: string): boolean {
    let depth = 0;
    const code = text
      .replace(/'''[\s\S]*?'''/g, "''")
      .replace(/'(?:\\.|[^'\\\n])*'/g, "''")
      .replace(/"(?:\\.|[^"\\\n])*"/g, '""')
      .replace(/\/\/.*$/gm, "");
    for (const c of code) {
      if (c === "{") depth++;
      if (c === "}" && --depth < 0) return false;
    }
    return depth === 0;
  }

  it.each(EXAMPLES.map((e) => [e.name, e] as const))("is a balanced declarative pipeline for %s", (_name, example) => {
    const text = jenkinsfile(example.pipeline, example.options);
    expect(balanced(text)).toBe(true);
    expect(text).toMatch(/^pipeline \{\n {2}agent any\n {2}environment \{/m);
    expect(text).toMatch(/^ {2}stages \{$/m);
    for (const stage of stageGraph(example.pipeline.stages).stages) expect(text).toContain(`stage('${stage.name}') {`);
    expect(text).toContain("junit allowEmptyResults: true, testResults: 'reports/test/junit.xml'");
    expect(text.match(/steps \{/g)!.length).toBe(example.pipeline.stages.length + 1);
    expect(text).toContain(`stage('${INSTALL_STAGE}') {`);
  });

  it("asks for approval with input before a manual stage, after checking its conditions", () => {
    const text = jenkinsfile(canary.pipeline, canary.options);
    const production = text.slice(text.indexOf("stage('deploy-production')"));
    expect(production).toMatch(/when \{\n\s+beforeInput true\n\s+allOf \{/);
    expect(production).toMatch(/input \{\n\s+message 'Roll out to production\?'\n\s+ok 'Approve'\n\s+\}/);
    expect(production).toContain("withCredentials([string(credentialsId: 'PRODUCTION_KUBECONFIG', variable: 'PRODUCTION_KUBECONFIG')])");
    expect(production).toMatch(/options \{\n\s+lock\(resource: 'gantry-deploy-production'\)\n\s+\}/);
  });

  it("runs independent stages in parallel and names the default branch it was given", () => {
    const text = jenkinsfile(sink.pipeline, sink.options);
    expect(text).toMatch(/stage\('test \+ lint \+ build'\) \{ \/\/ level 1\n\s+failFast false\n\s+parallel \{/);
    expect(text).toContain("branch 'trunk'");
    expect(text).toContain(`branch pattern: '${refPatternRegex("feature/**")}', comparator: 'REGEXP'`);
    expect(text).toContain("changeRequest()");
    expect(text).toContain("usernamePassword(credentialsId: 'registry', usernameVariable: 'REGISTRY_USER', passwordVariable: 'REGISTRY_PASSWORD')");
  });
});
