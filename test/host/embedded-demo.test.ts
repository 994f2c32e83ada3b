// The embedded demo's Kubernetes half against a real control plane (kwok makes pods Ready): the
// objects it adds (its namespace does not exist yet), then the bundled pipeline's staging rolled
// out as the stable version and again as bad and good canaries, and the workload lines the Rollout
// object reports, read from real kubectl output. The analysis answers come from a stand-in for the
// embedded Prometheus (named so below); test/host/embedded-prometheus.test.ts runs the real one.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { demoEnvironments } from "../../core/embedded/demo-environment.js";
import { demoObjects } from "../../core/embedded/demo-objects.js";
import { environmentFrom } from "../../core/kube/config/schema.js";
import { applyArgv } from "../../core/kube/kubectl.js";
import { workload } from "../../core/kube/manifests/objects.js";
import { toYaml } from "../../core/kube/manifests/yaml.js";
import type { Metrics } from "../../core/kube/ports.js";
import { workloadLines } from "../../core/kube/report.js";
import { planRollout } from "../../core/kube/rollout/plan.js";
import { runRollout, status } from "../../core/kube/runner.js";
import { loadPipeline } from "../../core/pipeline/load.js";
import { startCluster, type Cluster } from "../support/cluster.js";
import { clusterPorts, getJson } from "../support/kube-host.js";

const pipelineFile = fileURLToPath(new URL("../../pipelines/gantry.yaml", import.meta.url));
const pipeline = loadPipeline(readFileSync(pipelineFile, "utf8"), "pipelines/gantry.yaml");
const IMAGE = `gantry-registry:5000/hello-api@sha256:${"e".repeat(64)}`;

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster();
});
afterAll(async () => cluster?.stop());

/** Stand-in for the embedded Prometheus: every error-rate query answers `errorRate`, every p99 query 50 ms, every request count 600. */
function prometheusStandIn(errorRate: number): Metrics {
  const vector = (v: number) =>
    JSON.stringify({ status: "success", data: { resultType: "vector", result: [{ metric: {}, value: [1_700_000_000, String(v)] }] } });
  return { query: async (promql) => vector(promql.includes("histogram_quantile") ? 0.05 : promql.includes("increase(") ? 600 : errorRate) };
}

type Parsed = (typeof pipeline.environments)[string];
/** The demo's environment with its 20 s measurement interval cut to 100 ms: the timing is not under test here. */
function quick(env: Parsed): Parsed {
  return { ...env, analysis: { ...env.analysis!, interval: 100 } };
}
const planFor = (env: Parsed) =>
  planRollout(workload("hello-api", IMAGE, environmentFrom("staging", quick(env), { port: pipeline.image.port })), { pollMs: 300 });

/** Ready endpoints of a Service, polled until there are `expected` (or 30 s pass). */
async function readyEndpointsOf(service: string, expected: number): Promise<number> {
  const ns = pipeline.environments.staging!.namespace;
  for (const deadline = Date.now() + 30_000; ; await new Promise((r) => setTimeout(r, 250))) {
    const slices = (await getJson(cluster, ns, ["endpointslices", "-l", `kubernetes.io/service-name=${service}`])) as {
      items: { endpoints?: { conditions: { ready: boolean } }[] }[];
    };
    const ready = slices.items.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions.ready).length;
    if (ready === expected || Date.now() > deadline) return ready;
  }
}

describe("the embedded demo's rollouts on a real control plane", () => {
  const good = demoEnvironments("staging", pipeline.environments.staging!, false);
  const bad = demoEnvironments("staging", pipeline.environments.staging!, true);
  const ns = pipeline.environments.staging!.namespace;

  it("creates its namespace and the NodePort Service in one apply, then rolls the stable version out", async () => {
    const stable = planFor(good.stable);
    const applied = await clusterPorts(cluster).kubectl.run(applyArgv(ns), toYaml(demoObjects(stable.workload)));
    expect(applied.status, applied.stderr).toBe(0);
    const service = (await getJson(cluster, ns, ["service", "hello-api-demo"])) as { spec: { type: string; ports: { nodePort: number }[] } };
    expect(service.spec).toMatchObject({ type: "NodePort", ports: [{ nodePort: 30080 }] });

    const report = await runRollout(stable, clusterPorts(cluster, { metrics: prometheusStandIn(0) }));
    expect(report.verdict, report.reason).toBe("promoted");
    expect(workloadLines((await status(stable, clusterPorts(cluster))).deployments)).toEqual([
      `deployment/hello-api image=${IMAGE} revision=${stable.revision} ready=4/4`,
    ]);
    // The EndpointSlice controller follows pod readiness a moment later.
    expect(await readyEndpointsOf("hello-api-demo", 4)).toBe(4);
  });

  it("rolls a bad canary back: the stable version alone serves, as the workload lines say", async () => {
    const canary = planFor(bad.canary);
    const report = await runRollout(canary, clusterPorts(cluster, { metrics: prometheusStandIn(0.5) }));
    expect(report.verdict, report.reason).toBe("aborted");
    expect(report.reason).toMatch(/analysis failed/);
    const deployments = (await status(canary, clusterPorts(cluster))).deployments;
    expect(workloadLines(deployments)).toEqual([`deployment/hello-api image=${IMAGE} revision=${planFor(good.stable).revision} ready=4/4`]);
  });

  it("promotes a good canary: the stable Deployment runs the canary's revision", async () => {
    const canary = planFor(good.canary);
    const report = await runRollout(canary, clusterPorts(cluster, { metrics: prometheusStandIn(0) }));
    expect(report.verdict, report.reason).toBe("promoted");
    const deployments = (await status(canary, clusterPorts(cluster))).deployments;
    expect(workloadLines(deployments)).toEqual([`deployment/hello-api image=${IMAGE} revision=${canary.revision} ready=4/4`]);
  });
});
