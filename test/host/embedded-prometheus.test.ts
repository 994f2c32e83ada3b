// The embedded Prometheus of `demo`, for real: upstream Prometheus (built with its
// Kubernetes SD; Debian's package has none) runs core/embedded's config and argv against a real
// control plane, discovers the pods Gantry's manifests render, and scrapes them through the API
// server's pod proxy with the kubeconfig's client certificate. One pod's status IP is set to this
// machine's own non-loopback address, where a real hello-api listens, so the API server's pod proxy
// reaches a real process and that scrape succeeds; kwok's pods have no process behind their IPs, so
// theirs fail, behind the proxy. Queries and traffic run busybox's wget and sh, as in prom/prometheus.
// The only thing changed from the container's argv is the listen address (a free loopback port).
import { spawn, type ChildProcess } from "node:child_process";
import { request } from "node:https";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { clusterTlsFiles, EMBEDDED_JOB, instantQueryArgv, prometheusArgv, prometheusConfig, type ClusterTlsFiles } from "../../core/embedded/prometheus.js";
import { trafficArgv } from "../../core/kube/config/traffic.js";
import { parseQueryResponse, type QueryResult } from "../../core/kube/analysis/prometheus-response.js";
import { DEFAULT_ERROR_RATE_QUERY, DEFAULT_P99_QUERY, renderQuery } from "../../core/kube/analysis/queries.js";
import { normaliseEnvironment } from "../support/environment.js";
import { applyArgv } from "../../core/kube/kubectl.js";
import { renderDeployment } from "../../core/kube/manifests/deployment.js";
import { TRACK_LABEL } from "../../core/kube/manifests/names.js";
import { workload } from "../../core/kube/manifests/objects.js";
import { toYaml } from "../../core/kube/manifests/yaml.js";
import { READABLE_DIRECTORY_MODE, toolAccess, TOOL_USERS } from "../../core/tool-access.js";
import { busybox, type Busybox } from "../support/busybox.js";
import { startCluster, type Cluster } from "../support/cluster.js";
import { hostHelloApi, startHelloApi, type HelloApi } from "../support/hello-api.js";
import { restrictedNamespace } from "../support/kube-host.js";
import { freePort } from "../support/ports.js";
import { spawnPrometheus, type PrometheusProcess } from "../support/prometheus.js";
import { asUser, chownTo } from "../support/tool-user.js";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
// The version scripts/install-prometheus.sh builds (read from it: one place says it).
const PROMETHEUS_VERSION = /^VERSION=(\S+)$/m.exec(readFileSync(join(repoRoot, "scripts", "install-prometheus.sh"), "utf8"))![1]!;
const prometheusBin = join(process.env.GANTRY_PROMETHEUS_DIR ?? join(repoRoot, ".tools", "prometheus", PROMETHEUS_VERSION), "bin");

const SERVICE = "hello-api";
const IMAGE = `ghcr.io/acme/hello-api@sha256:${"b".repeat(64)}`;
const POLL_LIMIT_MS = 120_000;

interface Target {
  discoveredLabels: Record<string, string>;
  labels: Record<string, string>;
  scrapePool: string;
  scrapeUrl: string;
  lastError: string;
  health: "up" | "down" | "unknown";
}

/** This machine's first non-loopback IPv4 address: the API server's pod proxy refuses loopback pod IPs. */
function hostAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === "IPv4" && !a.internal)?.address;
}

async function poll<T>(what: string, read: () => Promise<T>, accept: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + POLL_LIMIT_MS;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (accept(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${what} not reached in ${POLL_LIMIT_MS} ms; last: ${JSON.stringify(last)}`);
}

/** A GET with the client certificate, as Prometheus scrapes: the status and the body, whatever they are. */
function getWithClientCertificate(url: string, tls: ClusterTlsFiles): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: tls.ca, cert: tls.cert, key: tls.key, timeout: 20_000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy(new Error(`no answer from ${url}`)));
    req.on("error", reject);
    req.end();
  });
}

/** Starts a container argv under busybox in its own process group, so stopping it stops its wget too. */
function spawnOnBusybox(box: Busybox, argv: string[]): { child: ChildProcess; stop(): Promise<void> } {
  const [cmd, ...args] = box.argv(argv);
  const child = spawn(cmd!, args, { env: box.env, stdio: "ignore", detached: true });
  return {
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        process.kill(-child.pid!, "SIGTERM");
      }),
  };
}

describe("embedded Prometheus: pods discovered and scraped through the API server (real control plane, upstream Prometheus)", () => {
  const box = busybox();
  let cluster: Cluster;
  let namespace: string;
  let tls: ClusterTlsFiles;
  let hello: HelloApi;
  let canaryPod: string;
  let stablePods: string[];
  let promtool: { status: number; stdout: string; stderr: string };
  let prom: PrometheusProcess;
  let traffic: ReturnType<typeof spawnOnBusybox> | undefined;

  beforeAll(async () => {
    const address = hostAddress();
    if (!address) throw new Error("this machine has no non-loopback IPv4 address for the pod proxy to reach");
    const [started, binary] = await Promise.all([startCluster(), hostHelloApi()]);
    cluster = started;
    hello = await startHelloApi(binary, {}, address);
    namespace = await restrictedNamespace(cluster, "embedded-prom");

    // Gantry's own Deployments: 2 stable pods, 1 canary pod, the service's port as containerPort.
    const env = normaliseEnvironment("staging", { namespace }, { file: "pipelines/gantry.yaml" }, { port: hello.port });
    const w = workload(SERVICE, IMAGE, env);
    const objects = [renderDeployment(w, { track: "stable", replicas: 2 }), renderDeployment(w, { track: "canary", replicas: 1 })];
    const applied = await cluster.kubectl(applyArgv(namespace).slice(1), { input: toYaml(objects) });
    if (applied.status !== 0) throw new Error(`apply: ${applied.stderr}`);
    const pods = await poll(
      "3 Running pods",
      async () => {
        const got = await cluster.kubectl(["get", "pods", "--output", "json"], { namespace });
        return (JSON.parse(got.stdout) as { items: { metadata: { name: string; labels: Record<string, string> }; status: { phase?: string } }[] }).items;
      },
      (items) => items.length === 3 && items.every((p) => p.status.phase === "Running"),
    );
    canaryPod = pods.find((p) => p.metadata.labels[TRACK_LABEL] === "canary")!.metadata.name;
    stablePods = pods.filter((p) => p.metadata.labels[TRACK_LABEL] === "stable").map((p) => p.metadata.name);
    // The canary pod "runs" at this machine's address, where hello-api listens on the container port.
    const patched = await cluster.kubectl(
      ["patch", "pod", canaryPod, "--subresource=status", "--type=merge", "-p", JSON.stringify({ status: { podIP: address, podIPs: [{ ip: address }] } })],
      { namespace },
    );
    if (patched.status !== 0) throw new Error(`patch pod status: ${patched.stderr}`);

    // The TLS files from the kubeconfig, the config pointing at this API server, checked by promtool.
    const dir = mkdtempSync(join(tmpdir(), "gantry-embedded-prom-"));
    tls = clusterTlsFiles(readFileSync(cluster.kubeconfig, "utf8"));
    const files = { ca: join(dir, "ca.pem"), cert: join(dir, "client.pem"), key: join(dir, "client-key.pem") };
    writeFileSync(files.ca, tls.ca);
    writeFileSync(files.cert, tls.cert);
    writeFileSync(files.key, tls.key, { mode: 0o600 });
    const configPath = join(dir, "prometheus.yml");
    writeFileSync(configPath, prometheusConfig({ apiServer: cluster.server, namespace, port: hello.port, scrapeInterval: "5s", files }));
    promtool = await new Promise((resolve) => {
      const child = spawn(join(prometheusBin, "promtool"), ["check", "config", configPath]);
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d));
      child.stderr.on("data", (d: Buffer) => (stderr += d));
      child.on("error", (e) => resolve({ status: -1, stdout, stderr: `${e.message}; run \`npm run setup\` (scripts/install-prometheus.sh)` }));
      child.on("close", (status) => resolve({ status: status ?? -1, stdout, stderr }));
    });

    // prometheusArgv as the container runs it (cwd = its working directory), on a free loopback port,
    // as prom/prometheus's nobody (65534), who owns its files and working directory, the key 0400 as
    // its secret is mounted (core/tool-access.ts).
    chmodSync(files.key, toolAccess("prometheus").secret.mode);
    chmodSync(dir, READABLE_DIRECTORY_MODE);
    await chownTo(TOOL_USERS.prometheus, dir);
    const port = await freePort();
    const [argv0, ...args] = prometheusArgv(configPath, `127.0.0.1:${port}`);
    expect(argv0).toBe("prometheus");
    const [asNobody, ...asNobodyArgs] = asUser(TOOL_USERS.prometheus, [join(prometheusBin, "prometheus"), ...args]);
    prom = await spawnPrometheus({ binary: asNobody!, args: asNobodyArgs, dir, url: `http://127.0.0.1:${port}` });

    // Traffic for the canary's analysis queries, the way the embedded deploy sends it.
    traffic = spawnOnBusybox(box, trafficArgv(`${hello.url}/`, 20));
  });

  afterAll(async () => {
    await traffic?.stop();
    await prom?.stop();
    await hello?.stop();
    await cluster?.stop();
  });

  const targets = async (): Promise<Target[]> => {
    const body = (await (await fetch(`${prom.url}/api/v1/targets?state=active`)).json()) as { data: { activeTargets: Target[] } };
    return body.data.activeTargets;
  };
  const scraped = () =>
    poll("3 targets scraped, the canary up", targets, (ts) => ts.length === 3 && ts.every((t) => t.health !== "unknown") && ts.some((t) => t.health === "up"));
  const proxyUrl = (pod: string) => `${cluster.server}/api/v1/namespaces/${namespace}/pods/${pod}:${hello.port}/proxy/metrics`;

  it("promtool accepts the generated config", () => {
    expect(promtool.status, promtool.stderr + promtool.stdout).toBe(0);
    expect(promtool.stdout + promtool.stderr).toMatch(/SUCCESS/);
  });

  it("discovers the three running pods and gives each the namespace, service and track labels, scraping through the API server's pod proxy", async () => {
    const ts = await scraped();
    const byPod = new Map(ts.map((t) => [t.discoveredLabels["__meta_kubernetes_pod_name"] ?? "", t]));
    expect([...byPod.keys()].sort()).toEqual([canaryPod, ...stablePods].sort());
    for (const [pod, target] of byPod) {
      const track = pod === canaryPod ? "canary" : "stable";
      expect(target.scrapePool).toBe(EMBEDDED_JOB);
      expect(target.labels).toEqual({ job: EMBEDDED_JOB, instance: pod, namespace, service: SERVICE, track });
      expect(target.discoveredLabels).toMatchObject({
        __meta_kubernetes_namespace: namespace,
        __meta_kubernetes_pod_phase: "Running",
        __meta_kubernetes_pod_container_port_number: String(hello.port),
        __meta_kubernetes_pod_label_app_kubernetes_io_name: SERVICE,
        __meta_kubernetes_pod_label_gantry_dev_track: track,
      });
      // The scrape URL is the API server's own, with the pod proxy path as __metrics_path__.
      expect(target.scrapeUrl).toBe(proxyUrl(pod));
    }
  });

  it("the canary's scrape through the pod proxy succeeds (a real hello-api behind it)", async () => {
    const canary = (await scraped()).find((t) => t.labels["instance"] === canaryPod)!;
    expect(canary.health, canary.lastError).toBe("up");
    expect(canary.lastError).toBe("");
  });

  it("kwok's pods fail behind the proxy, not at TLS or authorization", async () => {
    const stable = (await scraped()).filter((t) => t.labels["track"] === "stable");
    expect(stable).toHaveLength(2);
    for (const target of stable) {
      expect(target.health).toBe("down");
      expect(target.lastError).not.toMatch(/x509|certificate|tls:|unauthorized|401/i);
      // The API server accepted the client certificate and proxied: its own refusals are Status
      // objects (Unauthorized, Forbidden); what comes back is the pod side's failure.
      const answer = await getWithClientCertificate(target.scrapeUrl, tls);
      // Observed here: 503 ServiceUnavailable, "error trying to reach service: dial tcp 10.244.0.1:<port>:
      // connect: connection refused". A network that answers for unroutable addresses itself may
      // put its own (non-Status) answer there instead; either way the proxy was passed.
      expect(answer.status).not.toBe(200);
      const status = /"kind":\s*"Status"/.test(answer.body) ? (JSON.parse(answer.body) as { reason?: string; message?: string }) : undefined;
      if (status) expect(status).toMatchObject({ reason: "ServiceUnavailable", message: expect.stringContaining("error trying to reach service") });
    }
    // The same identity through the same path reaches the canary: authorization is not what fails.
    const canary = await getWithClientCertificate(proxyUrl(canaryPod), tls);
    expect(canary.status).toBe(200);
    expect(canary.body).toContain("http_requests_total");
  });

  it("busybox wget runs the analysis' instant queries, and the response parser reads the canary's series", async () => {
    const context = { namespace, service: SERVICE, track: "canary", window: "30s" };
    const query = async (promql: string): Promise<QueryResult> => {
      const ran = await box.run(instantQueryArgv(prom.url, promql));
      if (ran.status !== 0) return { ok: false, problem: `wget exited ${ran.status}: ${ran.stderr}` };
      return parseQueryResponse(ran.stdout);
    };
    const finite = (r: QueryResult) => r.ok && r.values.length > 0 && r.values.every(Number.isFinite);
    // Traffic runs throughout; a rate needs two scrapes of it in the window.
    const errorRate = await poll("a finite canary error rate", () => query(renderQuery(DEFAULT_ERROR_RATE_QUERY, context)), finite);
    expect(errorRate).toEqual({ ok: true, values: [0] });
    const p99 = await poll("a finite canary p99", () => query(renderQuery(DEFAULT_P99_QUERY, context)), finite);
    expect(p99.ok && p99.values[0]).toBeGreaterThan(0);
    const up = await query(`up{namespace="${namespace}",service="${SERVICE}"}`);
    expect(up.ok && up.values.sort()).toEqual([0, 0, 1]);
  });

  it("busybox wget prints no body and fails on a PromQL error (Prometheus answers 400)", async () => {
    const ran = await box.run(instantQueryArgv(prom.url, "sum("));
    expect(ran.status).not.toBe(0);
    expect(ran.stdout).toBe("");
    expect(ran.stderr).toMatch(/400/);
  });
});

describe("trafficArgv under busybox sh", () => {
  let server: Server;
  const arrivals: number[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      arrivals.push(Date.now());
      // Every other request fails: the loop must go on regardless.
      res.writeHead(arrivals.length % 2 === 0 ? 500 : 200).end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  afterAll(() => new Promise((resolve) => server?.close(resolve)));

  it("sends GETs at about the rate, through failures, until it is killed", async () => {
    const rate = 20;
    const { port } = server.address() as AddressInfo;
    const traffic = spawnOnBusybox(busybox(), trafficArgv(`http://127.0.0.1:${port}/hello?x=1&y=2`, rate));
    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await traffic.stop();
    const seconds = (Date.now() - started) / 1000;
    expect(traffic.child.signalCode).toBe("SIGTERM");
    // Generous: the rate is an upper bound (each request's time adds to the interval), on a busy machine.
    expect(arrivals.length).toBeGreaterThanOrEqual(Math.floor(rate * seconds * 0.3));
    expect(arrivals.length).toBeLessThanOrEqual(Math.ceil(rate * seconds * 1.2));
    const after = arrivals.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(arrivals.length).toBe(after);
  });
});
