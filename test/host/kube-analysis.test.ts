// Canary analysis against a REAL Prometheus scraping REAL hello-api processes (built with go build,
// on loopback; the canary instances with hello-api's own failure injection), while the rollout
// loop walks a REAL control plane. Traffic is driven by the test, in bounded loops.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { normaliseEnvironment } from "../support/environment.js";
import { workload } from "../../core/kube/manifests/objects.js";
import { httpNotifier } from "../../core/kube/notify/targets.js";
import { metricsFor, type Ports } from "../../core/kube/ports.js";
import { fetchHttp } from "../../dagger/http.js";
import { planRollout } from "../../core/kube/rollout/plan.js";
import { runRollout } from "../../core/kube/runner.js";
import { startCluster, type Cluster } from "../support/cluster.js";
import { driveTraffic, hostHelloApi, startHelloApi, type HelloApi } from "../support/hello-api.js";
import { clusterPorts, find, restrictedNamespace } from "../support/kube-host.js";
import { freePort } from "../support/ports.js";
import { startPrometheus, type Prometheus } from "../support/prometheus.js";
import { startReceiver } from "../support/receiver.js";

const image = (c: string) => `ghcr.io/acme/hello-api@sha256:${c.repeat(64)}`;

/** Each service: a stable instance and a canary instance with this failure injection. */
const CANARIES = {
  "good-api": {},
  "errors-api": { ERROR_RATE: "0.2" },
  "slow-api": { LATENCY: "1500ms" },
  "half-api": { ERROR_RATE: "0.5" },
} as const;
type Service = keyof typeof CANARIES | "silent-api" | "down-api" | "nowhere-api";

let cluster: Cluster;
let prometheus: Prometheus;
let namespace: string;
const instances: Record<string, { stable: HelloApi; canary: HelloApi }> = {};
const all: HelloApi[] = [];

beforeAll(async () => {
  cluster = await startCluster();
  namespace = await restrictedNamespace(cluster, "analysis");
  const binary = await hostHelloApi();
  for (const [service, canaryEnv] of Object.entries(CANARIES)) {
    instances[service] = { stable: await startHelloApi(binary), canary: await startHelloApi(binary, canaryEnv) };
    all.push(instances[service]!.stable, instances[service]!.canary);
  }
  // The labels Prometheus' Kubernetes relabelling would add (PROMETHEUS_RELABEL_CONFIGS), given statically.
  prometheus = await startPrometheus({
    targets: [],
    targetGroups: Object.entries(instances).flatMap(([service, { stable, canary }]) => [
      { targets: [stable.address], labels: { namespace, service, track: "stable" } },
      { targets: [canary.address], labels: { namespace, service, track: "canary" } },
    ]),
  });
  const deadline = Date.now() + 60_000;
  while ((await prometheus.query("up == 1")).length < all.length) {
    if (Date.now() > deadline) throw new Error("Prometheus did not scrape every hello-api within 60s");
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
});

afterAll(async () => {
  await prometheus?.stop();
  await Promise.all(all.map((i) => i.stop()));
  await cluster?.stop();
});

function plan(service: Service, img: string, prometheusUrl: string, extra: Record<string, unknown> = {}) {
  const env = normaliseEnvironment(
    "staging",
    {
      namespace,
      replicas: 2,
      analysis: { prometheus: prometheusUrl, window: "10s", interval: "3s", count: 2 },
      strategy: { type: "canary", steps: [{ setWeight: 50 }, { analysis: {} }, { setWeight: 100 }] },
      ...extra,
    },
    { file: "pipelines/hello.yaml" },
  );
  return planRollout(workload(service, img, env), { pollMs: 300 });
}

/** Deploys A (first deploy) then rolls out B with analysis, with traffic on the service's instances. */
async function analysedRollout(service: Service, prometheusUrl = prometheus.url, extra: Record<string, unknown> = {}, second: Partial<Ports> = {}) {
  const ports = clusterPorts(cluster);
  const withMetrics = { ...ports, metrics: metricsFor({ url: prometheusUrl }, ports) };
  // Traffic from before the first deploy until the rollout ends, so every rate() window has samples.
  const both = (async () => {
    expect((await runRollout(plan(service, image("a"), prometheusUrl, extra), withMetrics)).verdict).toBe("promoted");
    return runRollout(plan(service, image("b"), prometheusUrl, extra), { ...withMetrics, ...second });
  })();
  const pair = instances[service];
  const traffic = pair ? driveTraffic([pair.stable, pair.canary], both, { concurrency: 4, max: 5_000 }) : Promise.resolve(0);
  const [report] = await Promise.all([both, traffic]);
  const stable = await find(cluster, namespace, `deployment/${service}`);
  const canary = await find(cluster, namespace, `deployment/${service}-canary`);
  return { report, stableImage: stable.spec.template.spec.containers[0].image as string, canary };
}

describe("canary analysis on real Prometheus data", () => {
  it("a good canary (no errors, fast) passes every measurement and is promoted", async () => {
    const smoke = [{ url: `${instances["good-api"]!.canary.url}/readyz` }];
    const [slack, webhook] = [await startReceiver(), await startReceiver()];
    const notifier = httpNotifier(fetchHttp, [
      { kind: "slack", url: `${slack.url}/services/T0/B0/secret-path` },
      { kind: "webhook", url: `${webhook.url}/hooks/deploys` },
    ]);
    const { report, stableImage, canary } = await analysedRollout("good-api", prometheus.url, { smoke }, { notifier }).finally(() =>
      Promise.all([slack.stop(), webhook.stop()]),
    );
    expect(report.verdict, report.reason).toBe("promoted");
    // One message per outcome, whatever the number of measurements and polls.
    expect(slack.requests.map((r) => [r.method, r.path])).toEqual([["POST", "/services/T0/B0/secret-path"]]);
    expect(JSON.parse(slack.requests[0]!.body).text).toMatch(
      /^\*good-api in staging: canary promoted\*\nChange: ghcr.io\/acme\/hello-api@sha256:b{64} replacing ghcr.io\/acme\/hello-api@sha256:a{64}/,
    );
    expect(JSON.parse(webhook.requests.map((r) => r.body).join())).toMatchObject({
      event: "promoted",
      verdict: "promoted",
      checks: [{ name: "error rate", ok: true }, { name: "p99 latency", ok: true }, { name: "requests", ok: true }, { ok: true }],
    });
    expect(report.deliveries).toEqual([expect.objectContaining({ target: "slack", ok: true }), expect.objectContaining({ target: "webhook", ok: true })]);
    expect(report.measurements).toHaveLength(2);
    for (const m of report.measurements) {
      expect(m.checks.map((c) => [c.name, c.ok])).toEqual([
        ["error rate", true],
        ["p99 latency", true],
        ["requests", true],
        [`GET ${smoke[0]!.url}`, true],
      ]);
    }
    expect(stableImage).toBe(image("b"));
    expect(canary).toBeUndefined();
  });

  it("a canary answering 20% errors is rolled back", async () => {
    const webhook = await startReceiver();
    const notifier = httpNotifier(fetchHttp, [{ kind: "webhook", url: webhook.url }]);
    const { report, stableImage, canary } = await analysedRollout("errors-api", prometheus.url, {}, { notifier }).finally(() => webhook.stop());
    expect(report.verdict).toBe("aborted");
    // Exactly one message, sent once the stable has all the traffic back, naming the failed check and its value.
    expect(webhook.requests).toHaveLength(1);
    const message = JSON.parse(webhook.requests[0]!.body);
    expect(message).toMatchObject({
      schema: "gantry.dev/notification/v1",
      event: "aborted",
      service: "errors-api",
      environment: "staging",
      verdict: "aborted",
    });
    expect(message.checks[0]).toMatchObject({ name: "error rate", ok: false, expected: "<= 0.01" });
    expect(message.checks[0].value).toBeGreaterThan(0.01);
    expect(message.text).toMatch(/FAIL error rate: \d+\.\d\d% is over the limit 0\.01/);
    expect(message.commands.status).toBe("dagger call environment --name staging status");
    const errorRate = report.measurements[0]!.checks.find((c) => c.name === "error rate")!;
    expect(errorRate.ok).toBe(false);
    expect(errorRate.value).toBeGreaterThan(0.01);
    expect(stableImage).toBe(image("a"));
    expect(canary).toBeUndefined();
  });

  it("a canary answering 50% HTTP 500 under the most tolerant analysis that loads (count 2, failureLimit 1) is rolled back; failureLimit 2 no longer loads", async () => {
    expect(() =>
      plan("half-api", image("b"), prometheus.url, { analysis: { prometheus: prometheus.url, window: "10s", interval: "3s", count: 2, failureLimit: 2 } }),
    ).toThrow(/analysis\.failureLimit: failureLimit 2 tolerates every one of the 2 measurement/);
    // Every delivery fails (HTTP 500, no answer at all, nothing listening): the verdict is the same.
    const [failing, hanging] = [await startReceiver(() => ({ status: 500, body: "boom" })), await startReceiver(() => "hang")];
    const closed = `http://127.0.0.1:${await freePort()}/hook`;
    const notifier = httpNotifier(fetchHttp, [
      { kind: "webhook", url: failing.url },
      { kind: "slack", url: `${hanging.url}/services/secret` },
      { kind: "webhook", url: closed },
    ]);
    const analysis = { analysis: { prometheus: prometheus.url, window: "10s", interval: "3s", count: 2, failureLimit: 1 } };
    const { report, stableImage, canary } = await analysedRollout("half-api", prometheus.url, analysis, { notifier }).finally(() =>
      Promise.all([failing.stop(), hanging.stop()]),
    );
    expect(report.verdict, report.reason).toBe("aborted");
    expect(report.deliveries!.map((d) => [d.target, d.ok])).toEqual([
      ["webhook", false],
      ["slack", false],
      ["webhook", false],
    ]);
    expect(report.deliveries![0]!.detail).toBe(`HTTP 500 from ${failing.url}`);
    expect(report.deliveries![1]!.detail).toMatch(/no answer within 5s|aborted due to timeout/);
    expect(report.deliveries!.map((d) => d.detail).join()).not.toMatch(/secret|\/hook/);
    expect(report.measurements.map((m) => m.outcome)).toEqual(["fail", "fail"]);
    expect(report.reason).toMatch(/analysis failed: error rate \d+\.\d+% is over the limit 0\.01/);
    expect(stableImage).toBe(image("a"));
    expect(canary).toBeUndefined();
  });

  it("a canary with 1.5 s latency (p99 over 1 s) is rolled back", async () => {
    const { report, stableImage, canary } = await analysedRollout("slow-api");
    expect(report.verdict).toBe("aborted");
    const p99 = report.measurements[0]!.checks.find((c) => c.name === "p99 latency")!;
    expect(p99.ok).toBe(false);
    expect(p99.value).toBeGreaterThan(1);
    expect(stableImage).toBe(image("a"));
    expect(canary).toBeUndefined();
  });

  it("a query with no data (a canary nobody scrapes) is a failure: rolled back", async () => {
    const { report, stableImage } = await analysedRollout("silent-api");
    expect(report.verdict).toBe("aborted");
    expect(report.measurements[0]!.checks.every((c) => !c.ok)).toBe(true);
    expect(report.reason).toMatch(/no data|not a measurement/);
    expect(stableImage).toBe(image("a"));
  });

  it("a stopped Prometheus is a failure: rolled back", async () => {
    const other = await startPrometheus({ targets: [] });
    await other.stop();
    const { report, stableImage } = await analysedRollout("down-api", other.url);
    expect(report.verdict).toBe("aborted");
    expect(report.reason).toMatch(/analysis could not measure: 5 provider error\(s\) in a row, over the limit 4: .*Prometheus unreachable/);
    expect(stableImage).toBe(image("a"));
  });

  it("nothing listening at all on the Prometheus port is a failure too", async () => {
    const port = await freePort();
    const { report } = await analysedRollout("nowhere-api", `http://127.0.0.1:${port}`);
    expect(report.verdict).toBe("aborted");
  });
});
