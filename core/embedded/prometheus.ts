// Prometheus for `demo`: a Prometheus container next to a k3s server, which cannot
// reach pod IPs inside k3s. It discovers the service's pods through the API server
// (kubernetes_sd, role pod) and scrapes each one through the API server's pod proxy
// (https://<api server>/api/v1/namespaces/<ns>/pods/<pod>:<port>/proxy/metrics), authenticating
// with the kubeconfig's client certificate both times. The series get the labels the default
// analysis queries select on (PROMETHEUS_RELABEL_CONFIGS). Engine-free: argv and file texts only;
// the Dagger adapter mounts the files and runs the argv in prom/prometheus (busybox-based).
import { stringify } from "yaml";

import { ArgumentError, FileError } from "../errors.js";
import { instantQueryPath } from "../kube/analysis/prometheus-address.js";
import { PROMETHEUS_RELABEL_CONFIGS } from "../kube/analysis/queries.js";
import { currentCredentials } from "../kube/kubeconfig.js";
import { PIECES } from "./pieces.js";

/** PEM texts: the cluster's CA, and the user's client certificate and its key. */
export interface ClusterTlsFiles {
  ca: string;
  cert: string;
  key: string;
}

const KUBECONFIG = "kubeconfig";

/**
 * The PEM texts embedded in the current context's cluster (`certificate-authority-data`) and user
 * (`client-certificate-data`, `client-key-data`), decoded, for Prometheus' `tls_config`. Only a
 * client-certificate user works: a token, exec or auth-provider user, or a kubeconfig that names
 * files instead of embedding them (a container cannot read the caller's files), is a FileError
 * naming the field and the fix.
 */
export function clusterTlsFiles(kubeconfigText: string): ClusterTlsFiles {
  const { cluster, user } = currentCredentials(kubeconfigText);
  if (!user)
    throw new FileError(
      KUBECONFIG,
      "the current context names no user (or one that is not defined); Prometheus needs a client certificate",
      undefined,
      "users",
    );
  for (const field of ["token", "tokenFile", "exec", "auth-provider", "username"]) {
    if (user[field] !== undefined) {
      throw new FileError(
        KUBECONFIG,
        `the user authenticates with ${field}; the embedded Prometheus scrapes with a client certificate (client-certificate-data and client-key-data)`,
        undefined,
        `users.user.${field}`,
      );
    }
  }
  return {
    ca: pem(cluster, "certificate-authority", "clusters.cluster"),
    cert: pem(user, "client-certificate", "users.user"),
    key: pem(user, "client-key", "users.user"),
  };
}

/** The decoded `<name>-data` field of an entry, which must hold PEM. */
function pem(entry: Record<string, unknown>, name: string, at: string): string {
  const field = `${at}.${name}-data`;
  const data = entry[`${name}-data`];
  if (data === undefined) {
    const file = entry[name];
    const why =
      typeof file === "string"
        ? `names a file (${name}: ${file}) that a container cannot read; embed it with \`kubectl config view --flatten --minify\``
        : "is missing";
    throw new FileError(KUBECONFIG, why, undefined, field);
  }
  if (typeof data !== "string" || !/^[A-Za-z0-9+/=\s]+$/.test(data)) throw new FileError(KUBECONFIG, "is not base64", undefined, field);
  const text = Buffer.from(data, "base64").toString("utf8");
  if (!text.includes("-----BEGIN ")) throw new FileError(KUBECONFIG, "does not decode to PEM (no -----BEGIN line)", undefined, field);
  return text;
}

export interface PrometheusConfigOptions {
  /** The API server as Prometheus reaches it, e.g. https://gantry-k3s:6443 (its certificate must name that host). */
  apiServer: string;
  /** The only namespace discovered. */
  namespace: string;
  /** The service's container port (the pods' `containerPort`); pods without it are not scraped. */
  port: number;
  /** Prometheus duration, e.g. "5s"; also the evaluation interval, and the scrape timeout's upper bound. */
  scrapeInterval: string;
  /** Paths of the PEM files inside the Prometheus container (readable by its user). */
  files: { ca: string; cert: string; key: string };
  /** The path the service serves metrics on; /metrics by default. */
  metricsPath?: string;
}

/** The job name of the one scrape job; series carry it as `job`. */
export const EMBEDDED_JOB = "gantry-pods";

/**
 * prometheus.yml for one service's namespace: discovery and scrapes both go to the API server with
 * the same TLS files. Relabelling, in order: keep Running pods, keep the container port that is the
 * service's (role pod yields one target per declared port; this drops the others, init containers'
 * and port-less pods), send the scrape to the API server (`__address__`) on the pod proxy path
 * (`__metrics_path__`), name the instance after the pod (every target shares one address, so the
 * default instance would make two replicas' series collide), then PROMETHEUS_RELABEL_CONFIGS
 * (namespace, service, track).
 */
export function prometheusConfig(options: PrometheusConfigOptions): string {
  const server = apiServerUrl(options.apiServer);
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) throw new ArgumentError("port", `${options.port} is not a port (1-65535)`);
  const metricsPath = options.metricsPath ?? "/metrics";
  if (!metricsPath.startsWith("/")) throw new ArgumentError("metricsPath", `"${metricsPath}" must start with /`);
  const tls = { ca_file: options.files.ca, cert_file: options.files.cert, key_file: options.files.key };
  const config = {
    global: { scrape_interval: options.scrapeInterval, evaluation_interval: options.scrapeInterval },
    scrape_configs: [
      {
        job_name: EMBEDDED_JOB,
        scheme: "https",
        tls_config: tls,
        kubernetes_sd_configs: [{ role: "pod", api_server: server.url, tls_config: tls, namespaces: { names: [options.namespace] } }],
        relabel_configs: [
          { source_labels: ["__meta_kubernetes_pod_phase"], regex: "Running", action: "keep" },
          { source_labels: ["__meta_kubernetes_pod_container_init"], regex: "true", action: "drop" },
          { source_labels: ["__meta_kubernetes_pod_container_port_number"], regex: String(options.port), action: "keep" },
          { target_label: "__address__", replacement: server.address },
          {
            source_labels: ["__meta_kubernetes_namespace", "__meta_kubernetes_pod_name", "__meta_kubernetes_pod_container_port_number"],
            regex: "(.+);(.+);(.+)",
            target_label: "__metrics_path__",
            replacement: `${server.pathPrefix}/api/v1/namespaces/\${1}/pods/\${2}:\${3}/proxy${metricsPath}`,
          },
          { source_labels: ["__meta_kubernetes_pod_name"], target_label: "instance" },
          ...PROMETHEUS_RELABEL_CONFIGS,
        ],
      },
    ],
  };
  // No YAML aliases for the shared tls_config: plain copies read the same everywhere.
  return stringify(config, { aliasDuplicateObjects: false });
}

/** The API server URL's parts a scrape through it needs: host:port for `__address__`, and any path prefix. */
function apiServerUrl(apiServer: string): { url: string; address: string; pathPrefix: string } {
  let url: URL;
  try {
    url = new URL(apiServer);
  } catch {
    throw new ArgumentError("apiServer", `"${apiServer}" is not a URL`);
  }
  if (url.protocol !== "https:") throw new ArgumentError("apiServer", `"${apiServer}" must be https: the pod proxy is reached with a client certificate`);
  if (url.search || url.hash || url.username) throw new ArgumentError("apiServer", `"${apiServer}" must be scheme://host:port with at most a path prefix`);
  const pathPrefix = url.pathname.replace(/\/+$/, "");
  return { url: `https://${url.host}${pathPrefix}`, address: `${url.hostname}:${url.port || "443"}`, pathPrefix };
}

/** Where prometheusArgv's relative TSDB path lives: the working directory of prom/prometheus, owned by its user nobody. */
export const PROMETHEUS_WORKDIR = "/prometheus";
const PROMETHEUS_PORT = PIECES.prometheus.port;

/**
 * Prometheus' argv. The TSDB path is relative (`data`), so it lands in the working directory:
 * /prometheus in prom/prometheus, which its user (nobody) owns. Retention is short: the embedded
 * Prometheus lives only as long as one deploy.
 */
export function prometheusArgv(configPath: string, listenAddress = `:${PROMETHEUS_PORT}`): string[] {
  return ["prometheus", `--config.file=${configPath}`, "--storage.tsdb.path=data", "--storage.tsdb.retention.time=2h", `--web.listen-address=${listenAddress}`];
}

/**
 * An instant query with busybox wget, printing the response body (what parseQueryResponse reads)
 * on stdout. baseUrl is Prometheus' root, e.g. http://gantry-prometheus:9090. busybox wget prints
 * nothing and exits 1 on a non-2xx answer: a PromQL error (400, 422) is a failed command, not a body.
 */
export function instantQueryArgv(baseUrl: string, promql: string): string[] {
  return ["wget", "-q", "-O", "-", baseUrl.replace(/\/+$/, "") + instantQueryPath(promql)];
}

/**
 * What the embedded Prometheus container is given: its files (the client key as a secret) and its
 * command. It runs as prom/prometheus's nobody, who owns them (core/tool-access.ts).
 */
export interface PrometheusContainer {
  files: { path: string; contents: string; secret: boolean }[];
  argv: string[];
}

/** Where the container's files go: a directory of their own, readable by nobody. */
const EMBEDDED_DIR = "/etc/gantry-prometheus";
/** Scrapes every 5 s, so a 30 s rate window has samples about 10 s after a pod starts. */
export const EMBEDDED_SCRAPE_INTERVAL = "5s";

/** The embedded Prometheus: the service's pods in `namespace` scraped through the k3s API server, with the admin certificate. */
export function embeddedPrometheus(kubeconfigText: string, target: { namespace: string; port: number }): PrometheusContainer {
  const tls = clusterTlsFiles(kubeconfigText);
  const files = { ca: `${EMBEDDED_DIR}/ca.crt`, cert: `${EMBEDDED_DIR}/client.crt`, key: `${EMBEDDED_DIR}/client.key` };
  const configPath = `${EMBEDDED_DIR}/prometheus.yml`;
  const config = prometheusConfig({ apiServer: `https://${PIECES.k3s.host}:${PIECES.k3s.port}`, ...target, scrapeInterval: EMBEDDED_SCRAPE_INTERVAL, files });
  return {
    files: [
      { path: configPath, contents: config, secret: false },
      { path: files.ca, contents: tls.ca, secret: false },
      { path: files.cert, contents: tls.cert, secret: false },
      { path: files.key, contents: tls.key, secret: true },
    ],
    argv: prometheusArgv(configPath),
  };
}
