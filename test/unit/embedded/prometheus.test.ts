import { describe, expect, it } from "vitest";
import { parse } from "yaml";

import { clusterTlsFiles, EMBEDDED_JOB, embeddedPrometheus, instantQueryArgv, prometheusArgv, prometheusConfig } from "../../../core/embedded/prometheus.js";
import { trafficArgv } from "../../../core/kube/config/traffic.js";
import { instantQueryPath } from "../../../core/kube/analysis/prometheus-address.js";
import { PROMETHEUS_RELABEL_CONFIGS } from "../../../core/kube/analysis/queries.js";
import { fileErrorOf } from "../../support/errors.js";

const b64 = (text: string) => Buffer.from(text).toString("base64");
const CA = "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n";
const CERT = "-----BEGIN CERTIFICATE-----\nCLIENT\n-----END CERTIFICATE-----\n";
const KEY = "-----BEGIN EC PRIVATE KEY-----\nKEY\n-----END EC PRIVATE KEY-----\n";

/** A k3s-shaped admin kubeconfig; `cluster` and `user` replace the entries' fields. */
function kubeconfig(cluster: Record<string, string> = {}, user: Record<string, unknown> = {}, contextUser = "default"): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    "current-context": "default",
    contexts: [{ name: "default", context: { cluster: "default", user: contextUser } }],
    clusters: [{ name: "default", cluster: { server: "https://gantry-k3s:6443", "certificate-authority-data": b64(CA), ...cluster } }],
    users: [{ name: "default", user: { "client-certificate-data": b64(CERT), "client-key-data": b64(KEY), ...user } }],
  });
}

describe("clusterTlsFiles", () => {
  it("decodes the current context's CA, client certificate and key", () => {
    expect(clusterTlsFiles(kubeconfig())).toEqual({ ca: CA, cert: CERT, key: KEY });
  });

  it.each([
    ["token", { token: "abc" }, "users.user.token"],
    ["exec", { exec: { command: "aws" } }, "users.user.exec"],
    ["auth-provider", { "auth-provider": { name: "gcp" } }, "users.user.auth-provider"],
  ])("refuses a %s user, naming the field", (_, user, field) => {
    const error = fileErrorOf(() => clusterTlsFiles(kubeconfig({}, user)));
    expect(error.field).toBe(field);
    expect(error.message).toMatch(/client certificate/);
  });

  it("refuses file paths instead of embedded data, naming the field and the fix", () => {
    const cfg = JSON.parse(kubeconfig()) as { users: { user: Record<string, string> }[]; clusters: { cluster: Record<string, string> }[] };
    delete cfg.users[0]!.user["client-key-data"];
    cfg.users[0]!.user["client-key"] = "/home/me/.kube/admin.key";
    const error = fileErrorOf(() => clusterTlsFiles(JSON.stringify(cfg)));
    expect(error.field).toBe("users.user.client-key-data");
    expect(error.message).toContain("/home/me/.kube/admin.key");
    expect(error.message).toContain("--flatten");

    delete cfg.clusters[0]!.cluster["certificate-authority-data"];
    cfg.clusters[0]!.cluster["certificate-authority"] = "/etc/ca.crt";
    expect(fileErrorOf(() => clusterTlsFiles(JSON.stringify(cfg))).field).toBe("clusters.cluster.certificate-authority-data");
  });

  it("refuses data that is not base64 PEM, and a context without a user", () => {
    expect(fileErrorOf(() => clusterTlsFiles(kubeconfig({ "certificate-authority-data": "not base64!" }))).field).toBe(
      "clusters.cluster.certificate-authority-data",
    );
    expect(fileErrorOf(() => clusterTlsFiles(kubeconfig({}, { "client-certificate-data": b64("plain text") }))).message).toMatch(
      /client-certificate-data: does not decode to PEM/,
    );
    expect(fileErrorOf(() => clusterTlsFiles(kubeconfig({}, {}, "nobody"))).field).toBe("users");
  });
});

describe("prometheusConfig", () => {
  const files = { ca: "/etc/gantry/ca.pem", cert: "/etc/gantry/client.pem", key: "/etc/gantry/client-key.pem" };
  const options = { apiServer: "https://gantry-k3s:6443", namespace: "hello-staging", port: 8080, scrapeInterval: "5s", files };
  const job = () => (parse(prometheusConfig(options)) as { scrape_configs: Record<string, any>[] }).scrape_configs[0]!;
  const tls = { ca_file: files.ca, cert_file: files.cert, key_file: files.key };

  it("discovers the namespace's pods through the API server and scrapes over https with the same TLS files", () => {
    const parsed = parse(prometheusConfig(options)) as Record<string, any>;
    expect(parsed.global).toEqual({ scrape_interval: "5s", evaluation_interval: "5s" });
    expect(parsed.scrape_configs).toHaveLength(1);
    expect(job()).toMatchObject({ job_name: EMBEDDED_JOB, scheme: "https", tls_config: tls });
    expect(job().kubernetes_sd_configs).toEqual([
      { role: "pod", api_server: "https://gantry-k3s:6443", tls_config: tls, namespaces: { names: ["hello-staging"] } },
    ]);
  });

  it("keeps Running pods with the service's port, routes the scrape through the pod proxy, then adds the analysis labels", () => {
    expect(job().relabel_configs).toEqual([
      { source_labels: ["__meta_kubernetes_pod_phase"], regex: "Running", action: "keep" },
      { source_labels: ["__meta_kubernetes_pod_container_init"], regex: "true", action: "drop" },
      { source_labels: ["__meta_kubernetes_pod_container_port_number"], regex: "8080", action: "keep" },
      { target_label: "__address__", replacement: "gantry-k3s:6443" },
      {
        source_labels: ["__meta_kubernetes_namespace", "__meta_kubernetes_pod_name", "__meta_kubernetes_pod_container_port_number"],
        regex: "(.+);(.+);(.+)",
        target_label: "__metrics_path__",
        replacement: "/api/v1/namespaces/${1}/pods/${2}:${3}/proxy/metrics",
      },
      { source_labels: ["__meta_kubernetes_pod_name"], target_label: "instance" },
      ...PROMETHEUS_RELABEL_CONFIGS,
    ]);
  });

  it("writes no YAML aliases for the repeated tls_config", () => {
    expect(prometheusConfig(options)).not.toMatch(/[&*]a\d/);
  });

  it("keeps an API server's path prefix and default port, and another metrics path", () => {
    const rules = (
      parse(prometheusConfig({ ...options, apiServer: "https://rancher.example.com/k8s/clusters/c-1/", metricsPath: "/internal/metrics" })) as Record<
        string,
        any
      >
    ).scrape_configs[0].relabel_configs;
    expect(rules[3]).toEqual({ target_label: "__address__", replacement: "rancher.example.com:443" });
    expect(rules[4].replacement).toBe("/k8s/clusters/c-1/api/v1/namespaces/${1}/pods/${2}:${3}/proxy/internal/metrics");
  });

  it.each([
    [{ apiServer: "http://gantry-k3s:6443" }, "--api-server"],
    [{ apiServer: "gantry-k3s:6443" }, "--api-server"],
    [{ port: 0 }, "--port"],
    [{ metricsPath: "metrics" }, "--metrics-path"],
  ])("refuses %o", (change, flag) => {
    expect(() => prometheusConfig({ ...options, ...change })).toThrow(flag);
  });
});

describe("the embedded Prometheus container", () => {
  it("gets its config pointing at the k3s API server, the CA and certificate as files, the key as a secret nobody can read, and its argv", () => {
    const plan = embeddedPrometheus(kubeconfig(), { namespace: "hello-staging", port: 8080 });
    const byPath = Object.fromEntries(plan.files.map((f) => [f.path, f]));
    const config = parse(byPath["/etc/gantry-prometheus/prometheus.yml"]!.contents);
    expect(config.global.scrape_interval).toBe("5s");
    expect(config.scrape_configs[0]).toMatchObject({
      kubernetes_sd_configs: [{ api_server: "https://gantry-k3s:6443", namespaces: { names: ["hello-staging"] } }],
    });
    expect(byPath["/etc/gantry-prometheus/ca.crt"]).toEqual({ path: "/etc/gantry-prometheus/ca.crt", contents: CA, secret: false });
    expect(byPath["/etc/gantry-prometheus/client.key"]).toEqual({ path: "/etc/gantry-prometheus/client.key", contents: KEY, secret: true });
    expect(plan.files.filter((f) => f.secret).map((f) => f.path)).toEqual(["/etc/gantry-prometheus/client.key"]);
    expect(plan.argv).toEqual(prometheusArgv("/etc/gantry-prometheus/prometheus.yml"));
  });
});

describe("argv", () => {
  it("prometheus: config, a relative TSDB path, a short retention, the listen address", () => {
    expect(prometheusArgv("/etc/gantry/prometheus.yml")).toEqual([
      "prometheus",
      "--config.file=/etc/gantry/prometheus.yml",
      "--storage.tsdb.path=data",
      "--storage.tsdb.retention.time=2h",
      "--web.listen-address=:9090",
    ]);
    expect(prometheusArgv("/c.yml", "127.0.0.1:1234").at(-1)).toBe("--web.listen-address=127.0.0.1:1234");
  });

  it("instant query: busybox wget of the query path, body on stdout", () => {
    const promql = 'up{track="canary"}';
    expect(instantQueryArgv("http://gantry-prometheus:9090/", promql)).toEqual([
      "wget",
      "-q",
      "-O",
      "-",
      `http://gantry-prometheus:9090${instantQueryPath(promql)}`,
    ]);
  });

  it("traffic: the URL and the interval are arguments of a fixed script", () => {
    const argv = trafficArgv("http://hello-api:8080/?a=1&b='x'", 20);
    expect(argv.slice(0, 2)).toEqual(["sh", "-c"]);
    expect(argv[2]).toBe('while :; do wget -q -O /dev/null "$1" >/dev/null 2>&1; sleep "$2"; done');
    expect(argv.slice(3)).toEqual(["gantry-traffic", "http://hello-api:8080/?a=1&b='x'", "0.05"]);
    expect(trafficArgv("http://x/", 0.5).at(-1)).toBe("2");
    expect(trafficArgv("http://x/", 3).at(-1)).toBe("0.333");
  });

  it.each([0, -1, Number.NaN, Infinity, 5000])("traffic refuses a rate of %s", (rate) => {
    expect(() => trafficArgv("http://x/", rate)).toThrow("--requests-per-second");
  });
});
