// What `alerts` gives a Prometheus Operator cluster, on a real API server with the operator's own
// CRDs (scripts/install-kube.sh fetches them): server-side dry-run, strict field validation.
import { readFileSync } from "node:fs";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { applyArgv } from "../../core/kube/kubectl.js";
import { toYaml } from "../../core/kube/manifests/yaml.js";
import { prometheusRule, serviceMonitor } from "../../core/kube/observe/alert-rules.js";
import { serviceView } from "../../core/kube/observe/service-view.js";
import { environmentOf } from "../../core/pipeline/deploy-request.js";
import { loadPipeline } from "../../core/pipeline/load.js";
import { startCluster, type Cluster } from "../support/cluster.js";
import { installPrometheusOperatorCrds, restrictedNamespace } from "../support/kube-host.js";

const FILE = "pipelines/canary-example.yaml";
const pipeline = loadPipeline(readFileSync(new URL(`../../${FILE}`, import.meta.url), "utf8"), FILE);
let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster();
  await installPrometheusOperatorCrds(cluster);
});
afterAll(async () => {
  await cluster?.stop();
});

async function dryRun(namespace: string, yaml: string) {
  return cluster.kubectl(applyArgv(namespace, { dryRun: true }).slice(1), { input: yaml });
}

function objects(namespace: string) {
  const env = { ...environmentOf(pipeline, "production"), namespace };
  const view = serviceView(pipeline.name!, env);
  return [prometheusRule(view), serviceMonitor(view)];
}

describe("the PrometheusRule and ServiceMonitor on a real API server with the operator's CRDs", () => {
  it("pass server-side dry-run", async () => {
    const ns = await restrictedNamespace(cluster, "monitoring");
    const ran = await dryRun(ns, toYaml(objects(ns)));
    expect(ran.status, ran.stderr).toBe(0);
    expect(ran.stdout).toContain("prometheusrule.monitoring.coreos.com/hello-api-gantry serverside-applied (server dry run)");
    expect(ran.stdout).toContain("servicemonitor.monitoring.coreos.com/hello-api serverside-applied (server dry run)");
  });

  it("are checked, not waved through: a misspelt field and a bad rule duration are refused", async () => {
    const ns = await restrictedNamespace(cluster, "monitoring");
    const [rule, monitor] = objects(ns) as any[];
    monitor.spec.endpoints[0].relabellings = monitor.spec.endpoints[0].relabelings;
    const misspelt = await dryRun(ns, toYaml([monitor]));
    expect(misspelt.status).not.toBe(0);
    expect(misspelt.stderr).toMatch(/relabellings/);
    rule.spec.groups[0].rules.find((r: any) => r.alert).for = "ninety seconds";
    const badFor = await dryRun(ns, toYaml([rule]));
    expect(badFor.status).not.toBe(0);
    expect(badFor.stderr).toMatch(/for/);
  });
});
