import { describe, expect, it } from "vitest";

import { demoObjects, demoTrafficArgv, DEMO_NODE_PORT } from "../../../core/embedded/demo-objects.js";
import {
  BAD_CANARY_ERROR_RATE,
  demoEnvironments,
  DEMO_REVISION_VARIABLE,
  embeddedPublish,
  EMBEDDED_PROMETHEUS_URL,
} from "../../../core/embedded/demo-environment.js";
import { environmentFrom } from "../../../core/kube/config/schema.js";
import { workload } from "../../../core/kube/manifests/objects.js";
import { planRollout } from "../../../core/kube/rollout/plan.js";
import { loadPipeline } from "../../../core/pipeline/load.js";

const pipeline = loadPipeline(
  `environments:
  staging: {namespace: hello-staging, replicas: 4, strategy: {type: canary}, env: {LOG_LEVEL: debug}}
  measured:
    namespace: m
    strategy: {type: canary}
    analysis: {prometheus: "http://prometheus.monitoring:9090", maxErrorRate: 0.05, window: 2m}
  rolling: {namespace: r}
`,
  "p.yaml",
);
const IMAGE = `gantry-registry:5000/hello-api@sha256:${"a".repeat(64)}`;
const planOf = (name: string, env: typeof pipeline.environments.staging) => planRollout(workload("hello-api", IMAGE, environmentFrom(name, env!)));

describe("the environment as the embedded demo rolls it out", () => {
  it("measures with the embedded Prometheus between 5%, 50% and 100% when the environment has no analysis", () => {
    const { stable } = demoEnvironments("staging", pipeline.environments.staging!, false);
    const env = environmentFrom("staging", stable);
    expect(env.analysis).toMatchObject({
      prometheus: { url: EMBEDDED_PROMETHEUS_URL },
      maxErrorRate: 0.01,
      maxP99Ms: 1000,
      window: "30s",
      run: { intervalMs: 20_000, count: 3, failureLimit: 1 },
    });
    expect(env.strategy).toMatchObject({
      kind: "canary",
      steps: [{ setWeight: 5 }, { analysis: {} }, { setWeight: 50 }, { analysis: {} }, { setWeight: 100 }],
    });
  });

  it("keeps the environment's own thresholds and only moves the address to the embedded Prometheus", () => {
    const env = environmentFrom("measured", demoEnvironments("measured", pipeline.environments.measured!, true).canary);
    expect(env.analysis).toMatchObject({ prometheus: { url: EMBEDDED_PROMETHEUS_URL }, maxErrorRate: 0.05, window: "2m" });
  });

  it("makes the canary a new revision of the same image, failing requests when bad", () => {
    const good = demoEnvironments("staging", pipeline.environments.staging!, false);
    const bad = demoEnvironments("staging", pipeline.environments.staging!, true);
    expect(good.stable.env).toEqual({ LOG_LEVEL: "debug" });
    expect(good.canary.env).toEqual({ LOG_LEVEL: "debug", [DEMO_REVISION_VARIABLE]: "canary" });
    expect(bad.canary.env).toEqual({ LOG_LEVEL: "debug", [DEMO_REVISION_VARIABLE]: "canary", ERROR_RATE: BAD_CANARY_ERROR_RATE });
    const revisions = new Set([planOf("staging", good.stable).revision, planOf("staging", good.canary).revision, planOf("staging", bad.canary).revision]);
    expect(revisions.size).toBe(3);
  });

  it("refuses a bad canary for a strategy that cannot roll back on a measurement", () => {
    expect(() => demoEnvironments("rolling", pipeline.environments.rolling!, true)).toThrow(
      "--bad-canary: environment rolling rolls out with strategy rolling; a bad canary is rolled back by a canary strategy's analysis (strategy: {type: canary})",
    );
    expect(demoEnvironments("rolling", pipeline.environments.rolling!, false).canary.strategy.type).toBe("rolling");
  });
});

describe("the objects the demo adds", () => {
  it("creates the namespace and a NodePort Service over both tracks", () => {
    const env = environmentFrom("staging", pipeline.environments.staging!);
    const [namespace, service] = demoObjects(workload("hello-api", IMAGE, env));
    expect(namespace).toMatchObject({ kind: "Namespace", metadata: { name: "hello-staging" } });
    expect(service).toMatchObject({
      kind: "Service",
      metadata: { name: "hello-api-demo", namespace: "hello-staging" },
      spec: { type: "NodePort", selector: { "app.kubernetes.io/name": "hello-api" }, ports: [{ nodePort: DEMO_NODE_PORT, targetPort: "http" }] },
    });
    expect(demoTrafficArgv().slice(-2)).toEqual(["http://gantry-k3s:30080/", "0.05"]);
  });
});

describe("the demo's publish settings", () => {
  it("push into the embedded registry under the service's name, keeping the tags, without login or signing", () => {
    const withCredentials = loadPipeline(
      "publish:\n  repository: ghcr.io/acme/api\n  username: bot\n  password: env:TOKEN\n  cosignKey: env:KEY\n  attachSbom: true\n  tags: ['{{short_sha}}']\n",
      "p.yaml",
    ).publish;
    const demo = embeddedPublish(withCredentials, "hello-api");
    expect(demo).toMatchObject({ repository: "gantry-registry:5000/hello-api", username: "", attachSbom: false, tags: ["{{short_sha}}"] });
    expect(demo).not.toHaveProperty("password");
    expect(demo).not.toHaveProperty("cosignKey");
  });
});
