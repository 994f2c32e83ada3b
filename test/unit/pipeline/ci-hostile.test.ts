// The hostile corpus against the loader and the three generators: every case is refused with a
// message naming the file, its position and the field (or the ci-files flag), or generates files
// in which no user value is code. The real tools and executions are in test/host/ci-consumers.test.ts.
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";

import { GITHUB_WORKFLOW_FILE, githubLiteral, PLAN_JOB } from "../../../core/pipeline/ci/github.js";
import { GITLAB_CI_FILE, gitlabJobName } from "../../../core/pipeline/ci/gitlab.js";
import { INSTALL_STAGE, JENKINSFILE } from "../../../core/pipeline/ci/jenkins.js";
import { stageGraph } from "../../../core/pipeline/graph.js";
import { groovyString, shellWord } from "../../../core/quote.js";
import { generatedCases, hostileCases, outcome } from "../../support/ci-hostile.js";
import { evaluate, stringLiteral, templateSegments } from "../../support/github-expressions.js";

/** Expressions the GitHub generator writes itself; any other `${{ }}` must be a string literal. */
const OWN_EXPRESSIONS = [
  /^secrets\.[A-Za-z_][A-Za-z0-9_]*$/,
  /^needs\.[a-z][a-z0-9-]*\.outputs\.image$/,
  /^steps\.(plan|publish)\.outputs\.[a-z][a-z0-9-]*$/,
  /^env\.DAGGER_VERSION$/,
  /^vars\.[A-Za-z_][A-Za-z0-9_]*$/,
  /^github\.event\.repository\.default_branch$/,
];

const cases = hostileCases();
const generated = generatedCases();

describe("the hostile pipeline corpus", () => {
  it("holds at least 40 cases of both outcomes", () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(generated.length).toBeGreaterThanOrEqual(15);
    expect(cases.length - generated.length).toBeGreaterThanOrEqual(25);
  });

  it.each(cases.filter((c) => c.expected.kind === "refused").map((c) => [c.name, c] as const))("refuses %s, naming the field", (_name, c) => {
    const o = outcome(c);
    expect(o.kind, c.name).toBe("refused");
    const message = o.kind === "refused" ? o.error.message : "";
    const { field, message: words } = c.expected as { field: string; message: string };
    if (field.startsWith("--")) expect(message).toMatch(new RegExp(`^${field}: `));
    else {
      expect(message).toContain(`${c.file}:`);
      expect(message).toMatch(new RegExp(`^${c.file.replace(/\./g, "\\.")}:\\d+:\\d+: ${field.replace(/[.[\]$]/g, "\\$&")}: `, "m"));
    }
    expect(message).toContain(words);
  });
});

describe("files generated from the hostile corpus", () => {
  it.each(generated.map((g) => [g.c.name, g] as const))(
    "%s: GitHub runs no text of the pipeline; every ${{ }} is the generator's own or a literal",
    (_name, { files }) => {
      const workflow = parse(files[GITHUB_WORKFLOW_FILE]!) as {
        env: Record<string, string>;
        jobs: Record<string, { steps: { run?: string; env?: Record<string, string> }[] }>;
      };
      const values: string[] = [...Object.values(workflow.env)];
      for (const job of Object.values(workflow.jobs)) {
        for (const step of job.steps) {
          if (step.run !== undefined) expect(step.run).not.toContain("${{");
          values.push(...Object.values(step.env ?? {}));
        }
      }
      for (const value of values) {
        for (const segment of templateSegments(value)) {
          if ("expression" in segment)
            expect(stringLiteral(segment.expression) !== undefined || OWN_EXPRESSIONS.some((e) => e.test(segment.expression)), segment.expression).toBe(true);
        }
      }
    },
  );

  it.each(generated.map((g) => [g.c.name, g] as const))("%s: GitLab has a job per stage, under a key GitLab reads as a job", (_name, { pipeline, files }) => {
    const ci = parse(files[GITLAB_CI_FILE]!) as Record<string, { stage?: string; needs?: (string | { job: string })[] }>;
    const stages = stageGraph(pipeline.stages).stages;
    const settings = ["workflow", "variables", "stages", ".gantry"];
    expect(Object.keys(ci).filter((k) => !settings.includes(k))).toEqual(stages.map((s) => gitlabJobName(s.name)));
    for (const stage of stages) {
      const job = ci[gitlabJobName(stage.name)]!;
      expect(job.stage).toBe(stage.name);
      for (const need of job.needs ?? []) expect(Object.keys(ci)).toContain(typeof need === "string" ? need : need.job);
    }
  });

  it.each(generated.map((g) => [g.c.name, g] as const))(
    "%s: Jenkins and GitHub keep their own stage and job apart from the pipeline's",
    (_name, { pipeline, files }) => {
      const names = stageGraph(pipeline.stages).stages.map((s) => s.name);
      const jenkinsStages = [...files[JENKINSFILE]!.matchAll(/^\s*stage\('((?:\\.|[^'\\])*)'\)/gm)].map((m) => m[1]);
      expect(new Set(jenkinsStages).size).toBe(jenkinsStages.length);
      expect(jenkinsStages).toContain(INSTALL_STAGE);
      const jobs = Object.keys((parse(files[GITHUB_WORKFLOW_FILE]!) as { jobs: object }).jobs);
      expect(jobs.filter((j) => j !== PLAN_JOB)).toEqual(names);
    },
  );
});

describe("the quoting rule", () => {
  const hostile = [
    "it's",
    'say "hi"',
    "$HOME",
    "`id`",
    "$(touch PWN)",
    "${IFS}",
    "${{ github.actor }}",
    "a\\b",
    "line\nbreak",
    "# not a comment",
    "---",
    "ü 日本",
    "",
    "'",
    "''\\''",
    "\r",
  ];

  it("leaves plain words bare and single-quotes the rest", () => {
    expect(shellWord("pipelines/gantry.yaml")).toBe("pipelines/gantry.yaml");
    expect(shellWord("it's $x")).toBe(`'it'\\''s $x'`);
    expect(shellWord("")).toBe("''");
    for (const text of hostile.filter((t) => t !== "---")) expect(shellWord(text)).toMatch(/^'.*'$/s);
    expect(shellWord("---")).toBe("---");
  });

  it("writes Groovy literals that interpolate nothing", () => {
    expect(groovyString("^release-1\\.x$")).toBe("'^release-1\\\\.x$'");
    expect(groovyString("it's")).toBe("'it\\'s'");
    expect(groovyString("a\nb")).toBe("'''\\\na\nb'''");
  });

  it("writes YAML through the serializer, which reads back every value exactly", () => {
    for (const text of hostile) expect(parse(stringify({ run: text, [text || "empty"]: [text] }))).toEqual({ run: text, [text || "empty"]: [text] });
  });

  it("gives GitHub a literal expression for text holding ${{", () => {
    expect(githubLiteral("plain $(x)")).toBe("plain $(x)");
    expect(githubLiteral("a ${{ github.actor }} it's")).toBe("${{ 'a ${{ github.actor }} it''s' }}");
    for (const text of hostile) expect(evaluate(githubLiteral(text), (e) => `<${e}>`)).toBe(text);
  });
});
