import { describe, expect, it } from "vitest";

import { DEFAULT_STAGES, selectStages, stageGraph } from "../../../core/pipeline/graph.js";
import { loadPipeline } from "../../../core/pipeline/load.js";
import { matchesRefPattern, refPatternProblem } from "../../../core/pipeline/ref-pattern.js";
import { FILE, problems } from "./problems.js";

const ENVS = "environments:\n  staging: {namespace: staging}\n  production: {namespace: production}\n";
const CHAIN = "  - name: test\n  - name: build\n  - name: publish\n    needs: [build]\n";

describe("stages in the pipeline file", () => {
  it("defaults to test, build, image, scan, publish with publish only on the default branch and tags", () => {
    const p = loadPipeline("", FILE);
    expect(p.stages).toEqual(DEFAULT_STAGES);
    expect(p.environments).toEqual({});
    const order = stageGraph(p.stages).stages.map((s) => s.name);
    expect(order.indexOf("build")).toBeLessThan(order.indexOf("image"));
    expect(order.indexOf("scan")).toBeLessThan(order.indexOf("publish"));
    expect(p.stages.find((s) => s.name === "publish")!.when).toEqual({ defaultBranch: true, tags: ["**"] });
  });

  it("keeps a staging-then-production pipeline with an approval and environment placeholders", () => {
    const text = `${ENVS}stages:\n${CHAIN}  - name: deploy-staging\n    environment: staging\n    needs: [publish]\n  - name: deploy-production\n    environment: production\n    needs: [deploy-staging]\n    approval: manual\n    kubeconfig: env:PROD_KUBECONFIG\n    when:\n      tags: ['v[0-9]*']\n`;
    const p = loadPipeline(text, FILE);
    const graph = stageGraph(p.stages);
    const production = graph.byName.get("deploy-production")!;
    expect(production).toMatchObject({ kind: "deploy", environment: "production", approval: "manual", kubeconfig: "env:PROD_KUBECONFIG" });
    // Deploy waits for the test stage although the file does not say so: nothing rolls out untested.
    expect(production.after).toEqual(["deploy-staging", "test"]);
    expect(selectStages(graph, { environment: "staging" }).map((s) => s.name)).toEqual(["test", "build", "publish", "deploy-staging"]);
    expect(selectStages(graph, { stage: "build" }).map((s) => s.name)).toEqual(["build"]);
  });

  // Each broken file with the message it must give: file:line:column, the field path, and why.
  const broken: [string, string, RegExp][] = [
    [
      "a two-stage cycle",
      "stages:\n  - name: a\n    kind: test\n    needs: [b]\n  - name: b\n    kind: build\n    needs: [a]\n",
      /svc\.yaml:4:12: stages\[0\]\.needs: the stages form a cycle: a -> b -> a$/,
    ],
    [
      "a three-stage cycle",
      "stages:\n  - {name: a, kind: build, needs: [c]}\n  - {name: b, kind: image, needs: [a]}\n  - {name: c, kind: scan, needs: [b]}\n",
      /stages\[0\]\.needs: the stages form a cycle: a -> b -> c -> a/,
    ],
    [
      "a cycle through the implicit gate",
      "stages:\n  - {name: test, needs: [publish]}\n  - {name: publish}\n",
      /the stages form a cycle: (test -> publish -> test|publish -> test -> publish) \(publish and deploy stages also wait for every test and scan stage\)/,
    ],
    ["a stage that needs itself", "stages:\n  - {name: test, needs: [test]}\n", /:2:26: stages\[0\]\.needs\[0\]: stage "test" cannot need itself/],
    [
      "a need on an unknown stage (a typo)",
      "stages:\n  - name: test\n  - name: build\n    needs: [tset]\n",
      /:4:13: stages\[1\]\.needs\[0\]: no stage is named "tset"; did you mean "test"\? \(stages: test, build\)/,
    ],
    [
      "a need on an unknown stage (no close name)",
      "stages:\n  - name: test\n    needs: [lint]\n",
      /stages\[0\]\.needs\[0\]: no stage is named "lint" \(stages: test\)/,
    ],
    [
      "duplicate stage names",
      "stages:\n  - name: test\n  - name: build\n  - name: test\n",
      /:4:11: stages\[2\]\.name: a second stage named "test" \(the first is stages\[0\]\)/,
    ],
    [
      "an environment stage naming no known environment",
      `${ENVS}stages:\n${CHAIN}  - {name: deploy-prod, environment: prod, needs: [publish]}\n`,
      /stages\[3\]\.environment: no environment is named "prod" \(known: staging, production\)/,
    ],
    [
      "an environment typo",
      `${ENVS}stages:\n${CHAIN}  - {name: deploy, environment: stagign, needs: [publish]}\n`,
      /stages\[3\]\.environment: no environment is named "stagign"; did you mean "staging"\?/,
    ],
    [
      "a deploy stage without environments at all",
      `stages:\n${CHAIN}  - {name: deploy, environment: staging, needs: [publish]}\n`,
      /no environment is named "staging" \(the file has no environments key\)/,
    ],
    [
      "two stages deploying one environment",
      `${ENVS}stages:\n${CHAIN}  - {name: a, environment: staging, needs: [publish]}\n  - {name: b, environment: staging, needs: [publish]}\n`,
      /stages\[4\]\.environment: environment "staging" is already deployed by stage "a"/,
    ],
    [
      "a deploy stage without a publish before it",
      `${ENVS}stages:\n  - name: test\n  - {name: deploy-staging, environment: staging, needs: [test]}\n`,
      /stages\[1\]\.needs: deploy stage "deploy-staging" must need a publish stage/,
    ],
    [
      "a deploy kind without an environment",
      "stages:\n  - {name: test}\n  - {name: publish}\n  - {name: roll, kind: deploy, needs: [publish]}\n",
      /stages\[2\]: deploy stage "roll" needs an environment/,
    ],
    [
      "an environment on a test stage",
      `${ENVS}stages:\n  - {name: test, environment: staging}\n`,
      /stages\[0\]\.environment: only deploy stages have an environment; "test" is a test stage/,
    ],
    ["a kubeconfig on a build stage", "stages:\n  - {name: build, kubeconfig: file:kc}\n", /stages\[0\]\.kubeconfig: only deploy stages have a kubeconfig/],
    ["a stage whose kind cannot be told", "stages:\n  - name: lint\n", /:2:11: stages\[0\]\.name: cannot tell what stage "lint" does; set kind/],
    ["an unknown kind", "stages:\n  - {name: lint, kind: vet}\n", /stages\[0\]\.kind: Invalid option: expected one of "test"\|"build"/],
    [
      "an inline kubeconfig",
      `${ENVS}stages:\n${CHAIN}  - name: deploy\n    environment: staging\n    needs: [publish]\n    kubeconfig: "apiVersion: v1"\n`,
      /:12:17: stages\[3\]\.kubeconfig: credentials are given by reference, never inline/,
    ],
    [
      "a bad branch pattern (unclosed class)",
      "stages:\n  - name: test\n    when:\n      branches: ['release/[0-9']\n",
      /:4:18: stages\[0\]\.when\.branches\[0\]: "release\/\[0-9": "\[" at position 9 is never closed/,
    ],
    [
      "a bad branch pattern (backwards range)",
      "stages:\n  - name: test\n    when: {branches: ['r/[z-a]']}\n",
      /stages\[0\]\.when\.branches\[0\]: .*the range z-a at position 3 is backwards/,
    ],
    [
      "a branch pattern with a space",
      "stages:\n  - name: test\n    when: {branches: ['my branch']}\n",
      /stages\[0\]\.when\.branches\[0\]: "my branch" contains whitespace/,
    ],
    ["a branch pattern with ..", "stages:\n  - name: test\n    when: {branches: ['a..b']}\n", /stages\[0\]\.when\.branches\[0\]: "a\.\.b" contains "\.\."/],
    ["a negated branch pattern", "stages:\n  - name: test\n    when: {branches: ['!main']}\n", /negated patterns are not supported/],
    ["an empty tag pattern", "stages:\n  - name: test\n    when: {tags: ['']}\n", /stages\[0\]\.when\.tags\[0\]: an empty pattern matches nothing/],
    [
      "a stray ] in a tag pattern",
      "stages:\n  - name: test\n    when: {tags: ['v1]']}\n",
      /stages\[0\]\.when\.tags\[0\]: "v1\]": "\]" at position 3 closes no "\["/,
    ],
    ["a condition that matches nothing", "stages:\n  - name: test\n    when: {pullRequests: false}\n", /stages\[0\]\.when: this condition matches no ref/],
    ["an unknown key in a stage", "stages:\n  - name: test\n    nedds: [build]\n", /:3:5: stages\[0\]\.nedds: unknown setting; did you mean "needs"\?/],
    [
      "an unknown key in a condition",
      "stages:\n  - name: test\n    when: {branch: [main]}\n",
      /stages\[0\]\.when\.branch: unknown setting; did you mean "branches"\?/,
    ],
    ["a typo in the stages key", "stagse:\n  - name: test\n", /:1:1: stagse: unknown setting; did you mean "stages"\?/],
    ["a typo in the environments key", "enviroments: {}\n", /enviroments: unknown setting; did you mean "environments"\?/],
    ["stages as a mapping", "stages:\n  test: {}\n", /:2:3: stages: Invalid input: expected array, received object/],
    ["an empty stage list", "stages: []\n", /stages: Too small/],
    ["needs as a string", "stages:\n  - name: test\n  - {name: build, needs: test}\n", /stages\[1\]\.needs: Invalid input: expected array, received string/],
    ["approval other than manual", "stages:\n  - {name: test, approval: auto}\n", /stages\[0\]\.approval: Invalid input: expected "manual"/],
    [
      "pullRequests as a string",
      "stages:\n  - {name: test, when: {pullRequests: 'yes'}}\n",
      /stages\[0\]\.when\.pullRequests: Invalid input: expected boolean/,
    ],
    ["an uppercase stage name", "stages:\n  - name: Test\n", /stages\[0\]\.name: expected a lowercase stage name/],
    ["an uppercase environment name", "environments:\n  Prod: {}\n", /environments\.Prod: expected a lowercase environment name/],
    ["a stage without a name", "stages:\n  - needs: []\n", /stages\[0\]\.name: Invalid input: expected string, received undefined/],
    ["an environment that is not a mapping", "environments:\n  staging: yes\n", /environments\.staging: Invalid input: expected object/],
  ];
  it.each(broken)("refuses %s", (_what, text, message) => {
    expect(problems(text)).toMatch(message);
  });
  it("has at least 30 broken pipelines", () => expect(broken.length).toBeGreaterThanOrEqual(30));

  it("throws the same problems for a stage list built in code", () => {
    expect(() => stageGraph([{ name: "test", needs: ["nope"] }])).toThrow(/stages\[0\]\.needs\[0\]: no stage is named "nope"/);
  });

  it("refuses a selection naming no stage or environment, with a suggestion", () => {
    const graph = stageGraph(DEFAULT_STAGES);
    expect(() => selectStages(graph, { stage: "scna" })).toThrow(/--stage: no stage is named "scna"; did you mean "scan"\?/);
    expect(() => selectStages(graph, { environment: "staging" })).toThrow(/--environment: no stage deploys to "staging"/);
  });
});

describe("branch and tag patterns", () => {
  const cases: [string, string, boolean][] = [
    ["main", "main", true],
    ["main", "main2", false],
    ["release/*", "release/1.2", true],
    ["release/*", "release/1.2/hotfix", false],
    ["release/**", "release/1.2/hotfix", true],
    ["v*", "v1.2.3", true],
    ["v[0-9]*", "v1.2.3", true],
    ["v[0-9]*", "vnext", false],
    ["feature-?", "feature-a", true],
    ["feature-?", "feature-ab", false],
    ["v1.*", "v1x2", false], // a dot is literal
    ["[!a-c]*", "dev", true],
    ["[!a-c]*", "beta", false],
  ];
  it.each(cases)("%s against %s gives %s", (pattern, name, expected) => {
    expect(refPatternProblem(pattern)).toBeUndefined();
    expect(matchesRefPattern(name, pattern)).toBe(expected);
  });

  it("refuses three stars in a row", () => expect(refPatternProblem("a/***")).toMatch(/more than two \*/));
});
