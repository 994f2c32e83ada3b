import { describe, expect, it } from "vitest";

import { environmentName, environmentOf, kubeconfigReference, notifySettings, requireCredentials } from "../../../core/pipeline/deploy-request.js";
import { loadPipeline } from "../../../core/pipeline/load.js";
import { problems } from "./problems.js";

const pipeline = loadPipeline(
  `image: {port: 9090, user: 10001}
environments:
  staging: {namespace: hello-staging}
  production: {namespace: hello-production, strategy: {type: canary}}
stages:
  - name: test
  - name: build
  - name: image
    needs: [build]
  - name: scan
    needs: [image]
  - name: publish
    needs: [test, scan]
  - name: deploy-staging
    environment: staging
    needs: [publish]
    kubeconfig: env:STAGING_KUBECONFIG
    notify:
      slack: env:SLACK_WEBHOOK_URL
      webhook: op://ops/deploy-hook/url
      github: {token: env:GITHUB_TOKEN, repository: acme/hello-api}
      grafana: {url: 'https://grafana.example.com', token: env:GRAFANA_TOKEN}
      pushgateway: 'http://pushgateway.monitoring:9091'
`,
  "pipelines/svc.yaml",
);

describe("a deploy's inputs from the pipeline file", () => {
  it("takes the environment with the image's port and user as its defaults", () => {
    const env = environmentOf(pipeline, "production");
    expect(env).toMatchObject({ name: "production", namespace: "hello-production", port: 9090, runAsUser: 10001 });
    expect(env.strategy.kind).toBe("canary");
  });

  it("takes the only environment when none is named, and asks for a name when there are several", () => {
    expect(environmentName(loadPipeline("environments:\n  staging: {namespace: s}\n", "p.yaml"), "")).toBe("staging");
    expect(environmentName(pipeline, "production")).toBe("production");
    expect(() => environmentName(pipeline, "")).toThrow("--environment: the pipeline file has 2 environments (staging, production); name one");
    expect(() => environmentName(loadPipeline("", "p.yaml"), "")).toThrow(/--environment: the pipeline file has no environments/);
  });

  it("refuses an unknown environment with a did-you-mean, and a file without environments", () => {
    expect(() => environmentOf(pipeline, "stagign")).toThrow(
      '--environment: "stagign" is not an environment of the pipeline file; did you mean "staging"? (it has: staging, production)',
    );
    expect(() => environmentOf(loadPipeline("", "p.yaml"), "staging")).toThrow(/has no environments/);
    expect(() => environmentOf(pipeline, "constructor")).toThrow(/is not an environment/);
  });

  it("finds the kubeconfig reference of the environment's deploy stage, and refuses a deploy with no credentials", () => {
    expect(kubeconfigReference(pipeline, "staging")).toBe("env:STAGING_KUBECONFIG");
    expect(kubeconfigReference(pipeline, "production")).toBeUndefined();
    expect(() => requireCredentials("production", false, undefined)).toThrow(/^--kubeconfig: environment production has no cluster credentials/);
    expect(() => requireCredentials("production", true, undefined)).not.toThrow();
    expect(() => requireCredentials("staging", false, "env:STAGING_KUBECONFIG")).not.toThrow();
  });
});

describe("who hears of an environment's rollouts (notify:)", () => {
  const deploy = (notify: string) =>
    `environments:\n  staging: {namespace: s}\nstages:\n  - name: deploy-staging\n    environment: staging\n    notify: ${notify}\n`;

  it("is the deploy stage's notify settings, secrets as references", () => {
    expect(notifySettings(pipeline, "staging")).toEqual({
      slack: "env:SLACK_WEBHOOK_URL",
      webhook: "op://ops/deploy-hook/url",
      github: { token: "env:GITHUB_TOKEN", repository: "acme/hello-api" },
      grafana: { url: "https://grafana.example.com", token: "env:GRAFANA_TOKEN" },
      pushgateway: "http://pushgateway.monitoring:9091",
    });
    expect(notifySettings(pipeline, "production")).toBeUndefined();
  });

  it("refuses a webhook URL or a token written inline, with the line and the field", () => {
    expect(problems(deploy("{slack: 'https://hooks.slack.com/services/T0/B0/XYZ'}"))).toMatch(
      /:6:\d+: stages\[0\]\.notify\.slack: credentials are given by reference/,
    );
    expect(problems(deploy("{grafana: {url: 'https://g.example.com', token: glsa_abc}}"))).toMatch(
      /stages\[0\]\.notify\.grafana\.token: credentials are given by reference/,
    );
    expect(problems(deploy("{pushgateway: 'http://user:pw@pgw:9091'}"))).toMatch(/notify\.pushgateway: must not carry credentials/);
    expect(problems(deploy("{github: {token: env:T, repository: 'not a repo'}}"))).toMatch(/notify\.github\.repository: expected owner\/name/);
    expect(problems(deploy("{teams: env:X}"))).toMatch(/notify/);
  });

  it("belongs to deploy stages only", () => {
    expect(problems("stages:\n  - name: test\n    notify: {slack: env:S}\n")).toMatch(/stages\[0\]\.notify: only deploy stages notify; "test" is a test stage/);
  });
});
