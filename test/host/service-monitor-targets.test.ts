// The ServiceMonitor's relabelling in the REAL Prometheus: a canary pod behind two Services (the
// main one, which selects both tracks with the replica router, and the canary's) must be one target,
// or every counter of the canary would be summed twice. A simulation of the Prometheus Operator's
// part: its generated relabel rules for a ServiceMonitor endpoint (service, job and pod from the
// Service and pod, as its promcfg writes them) come first, then the ServiceMonitor's relabelings
// translated to Prometheus' names as the operator does; endpoints discovery is a static target per
// Service with the meta labels it would attach.
import { createServer, type Server } from "node:http";
import { mkdtempSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";

import { serviceMonitor } from "../../core/kube/observe/alert-rules.js";
import { serviceView } from "../../core/kube/observe/service-view.js";
import { normaliseEnvironment } from "../support/environment.js";
import { freePort } from "../support/ports.js";
import { spawnPrometheus, type PrometheusProcess } from "../support/prometheus.js";

const env = normaliseEnvironment(
  "staging",
  { namespace: "shop", strategy: { type: "canary" }, analysis: { prometheus: "http://prom:9090" } },
  { file: "pipelines/hello.yaml" },
);
const view = serviceView("hello-api", env);
const monitor = serviceMonitor(view) as unknown as {
  spec: { endpoints: { relabelings: { sourceLabels?: string[]; targetLabel: string; replacement?: string }[] }[] };
};

/** The operator's rules for an endpoint, before the ServiceMonitor's own. */
const OPERATOR_RELABELS = [
  { source_labels: ["__meta_kubernetes_endpoint_port_name"], regex: "http", action: "keep" },
  { source_labels: ["__meta_kubernetes_namespace"], target_label: "namespace" },
  { source_labels: ["__meta_kubernetes_service_name"], target_label: "service" },
  { source_labels: ["__meta_kubernetes_pod_name"], target_label: "pod" },
  { source_labels: ["__meta_kubernetes_service_name"], target_label: "job" },
  { target_label: "endpoint", replacement: "http" },
];
const translated = (withOurs: boolean) =>
  withOurs
    ? monitor.spec.endpoints[0]!.relabelings.map((r) => ({
        ...(r.sourceLabels ? { source_labels: r.sourceLabels } : {}),
        target_label: r.targetLabel,
        ...(r.replacement ? { replacement: r.replacement } : {}),
      }))
    : [];

let server: Server;
const running: PrometheusProcess[] = [];

beforeAll(async () => {
  server = createServer((_, res) => res.end("hello_up 1\n"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
});
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  await new Promise((resolve) => server?.close(resolve));
});

async function activeTargets(withOurs: boolean): Promise<Record<string, string>[]> {
  const address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const pod = {
    __meta_kubernetes_namespace: "shop",
    __meta_kubernetes_pod_name: "hello-api-canary-7d9f",
    __meta_kubernetes_pod_label_app_kubernetes_io_name: "hello-api",
    __meta_kubernetes_pod_label_gantry_dev_track: "canary",
    __meta_kubernetes_endpoint_port_name: "http",
  };
  const dir = mkdtempSync(join(tmpdir(), "gantry-servicemonitor-"));
  const config = {
    global: { scrape_interval: "1s", scrape_timeout: "1s" },
    scrape_configs: [
      {
        job_name: "serviceMonitor/shop/hello-api/0",
        static_configs: ["hello-api", "hello-api-canary"].map((service) => ({
          targets: [address],
          labels: { ...pod, __meta_kubernetes_service_name: service },
        })),
        relabel_configs: [...OPERATOR_RELABELS, ...translated(withOurs)],
      },
    ],
  };
  writeFileSync(join(dir, "prometheus.yml"), stringify(config));
  const port = await freePort();
  const prom = await spawnPrometheus({
    binary: "prometheus",
    args: [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    dir,
    url: `http://127.0.0.1:${port}`,
  });
  running.push(prom);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const body = (await fetch(`${prom.url}/api/v1/targets`).then((r) => r.json())) as { data: { activeTargets: { labels: Record<string, string> }[] } };
    if (body.data.activeTargets.length > 0 || Date.now() > deadline) return body.data.activeTargets.map((t) => t.labels);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe("the ServiceMonitor's relabelling in the real Prometheus (the operator's part simulated)", () => {
  it("makes a pod behind two Services one target, labelled as the analysis queries select", async () => {
    const targets = await activeTargets(true);
    expect(targets).toHaveLength(1);
    expect(targets[0]).toMatchObject({ namespace: "shop", service: "hello-api", track: "canary", job: "hello-api", pod: "hello-api-canary-7d9f" });
  });

  it("without its relabelings the same pod would be two targets: they are what prevents double counting", async () => {
    const targets = await activeTargets(false);
    expect(targets.map((t) => t.service).sort()).toEqual(["hello-api", "hello-api-canary"]);
  });
});
