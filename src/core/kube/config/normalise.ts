import { DEFAULT_ERROR_RATE_QUERY, DEFAULT_P99_QUERY, unknownPlaceholders } from "../analysis/queries.js";
import { NONROOT_UID } from "../../image/bases.js";
import { Fields, describe, isRecord, type FieldPath, type Source } from "./fields.js";
import type {
  AnalysisConfig,
  AnalysisRun,
  CanaryStep,
  Environment,
  IngressConfig,
  PrometheusAddress,
  Probe,
  Probes,
  SecretRef,
  SmokeCheck,
  Strategy,
  TrafficRouter,
} from "./types.js";

const DNS_LABEL = { re: /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, expected: "a DNS label (lowercase letters, digits and '-', at most 63)" };
const DNS_NAME = { re: /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, expected: "a DNS subdomain name (e.g. api.example.com)" };
const ENV_NAME = { re: /^[A-Za-z_][A-Za-z0-9_]*$/, expected: "an environment variable name (letters, digits, _)" };
const CONFIG_KEY = { re: /^[-._a-zA-Z0-9]{1,253}$/, expected: "a ConfigMap key (letters, digits, '-', '_', '.')" };
const QUANTITY = { re: /^\d+(\.\d+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/, expected: "a Kubernetes quantity such as 100m, 0.5, 128Mi or 1Gi" };
const HTTP_PATH = { re: /^\/[^\s]*$/, expected: "an absolute HTTP path such as /healthz" };
const PROMQL_DURATION = { re: /^\d+(ms|s|m|h|d|w|y)$/, expected: "a PromQL duration such as 1m or 30s" };

export const DEFAULT_CANARY_STEPS_WITH_ANALYSIS = (run: AnalysisRun): CanaryStep[] => [
  { setWeight: 5 },
  { analysis: run },
  { setWeight: 50 },
  { analysis: run },
  { setWeight: 100 },
];
/** Without Prometheus nothing can be measured: the default canary waits instead of analysing. */
export const DEFAULT_CANARY_STEPS_WITHOUT_ANALYSIS: CanaryStep[] = [
  { setWeight: 5 },
  { pause: { durationMs: 30_000 } },
  { setWeight: 50 },
  { pause: { durationMs: 30_000 } },
  { setWeight: 100 },
];

const TOP = ["namespace", "replicas", "port", "resources", "probes", "podLabels", "env", "config", "secrets", "ingress", "hpa", "pdb", "strategy", "analysis", "smoke", "progressDeadline", "maxRestarts", "runAsUser"];

/**
 * Validates `environments.<name>` of a pipeline file and fills every default. Every error is a
 * FileError naming the field path (e.g. `environments.staging.strategy.steps[2].setWeight`) and,
 * when source.lineOf knows it, the line. Called before anything is rendered or applied.
 */
export function normaliseEnvironment(name: string, value: unknown, source: Source, path: FieldPath = ["environments", name]): Environment {
  const f = new Fields(source, path, value, TOP);
  const analysis = f.has("analysis") ? readAnalysis(f.child("analysis", ["prometheus", "queries", "maxErrorRate", "maxP99", "window", "interval", "count", "failureLimit"])!) : undefined;
  const ingress = f.has("ingress") ? readIngress(f.child("ingress", ["host", "tlsSecret", "className", "path"])!) : undefined;
  const replicas = f.integer("replicas", 2, 1, 1000);
  const env: Environment = {
    name,
    namespace: f.requiredString("namespace", DNS_LABEL),
    replicas,
    port: f.integer("port", 8080, 1, 65535),
    resources: readResources(f),
    probes: readProbes(f),
    podLabels: readPodLabels(f),
    env: f.stringMap("env", ENV_NAME),
    config: f.stringMap("config", CONFIG_KEY),
    secrets: readSecrets(f),
    strategy: readStrategy(f, analysis, ingress),
    smoke: readSmoke(f),
    progressDeadlineMs: f.durationMs("progressDeadline", 5 * 60_000),
    maxRestarts: f.integer("maxRestarts", 3, 0),
    runAsUser: f.integer("runAsUser", NONROOT_UID, 1),
  };
  if (ingress) env.ingress = ingress;
  if (analysis) env.analysis = analysis;
  const hpa = f.child("hpa", ["minReplicas", "maxReplicas", "cpuUtilization"]);
  if (hpa) {
    const minReplicas = hpa.integer("minReplicas", replicas, 1);
    env.hpa = { minReplicas, maxReplicas: hpa.integer("maxReplicas", Math.max(minReplicas, replicas) * 2, minReplicas), cpuUtilization: hpa.integer("cpuUtilization", 80, 1, 1000) };
  }
  const pdb = f.child("pdb", ["minAvailable", "maxUnavailable"]);
  if (pdb) {
    if (pdb.has("minAvailable") && pdb.has("maxUnavailable")) throw pdb.error(pdb.path, "set minAvailable or maxUnavailable, not both");
    env.pdb = pdb.has("minAvailable") ? { minAvailable: pdb.intOrPercent("minAvailable", 1) } : { maxUnavailable: pdb.intOrPercent("maxUnavailable", 1) };
  }
  if (env.ingress === undefined && env.strategy.kind === "canary" && env.strategy.router.kind === "nginx") {
    throw f.error(f.at("ingress"), "the nginx traffic router needs an ingress (host, and className/tlsSecret as needed)");
  }
  return env;
}

const LABEL_KEY = { re: /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, expected: "a label key (prefix/name)" };
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const RESERVED_LABELS = ["app.kubernetes.io/name", "app.kubernetes.io/managed-by", "gantry.dev/track"];

function readPodLabels(f: Fields): Record<string, string> {
  const labels = f.stringMap("podLabels", LABEL_KEY);
  for (const [k, v] of Object.entries(labels)) {
    if (RESERVED_LABELS.includes(k)) throw f.error([...f.at("podLabels"), k], "is set by Gantry (it selects the pods); choose another label");
    if (!LABEL_VALUE.test(v)) throw f.error([...f.at("podLabels"), k], `"${v}" is not a label value (63 characters at most: letters, digits, '-', '_', '.')`);
  }
  return labels;
}

function readResources(f: Fields): Environment["resources"] {
  const r = f.child("resources", ["requests", "limits"]);
  const req = r?.child("requests", ["cpu", "memory"]);
  const lim = r?.child("limits", ["cpu", "memory"]);
  const resources: Environment["resources"] = {
    requests: { cpu: req?.string("cpu", undefined, QUANTITY) ?? "100m", memory: req?.string("memory", undefined, QUANTITY) ?? "64Mi" },
    // No CPU limit by default: it throttles Go's GC bursts; memory is limited so a leak cannot starve the node.
    limits: { memory: lim?.string("memory", undefined, QUANTITY) ?? "128Mi" },
  };
  const cpuLimit = lim?.string("cpu", undefined, QUANTITY);
  if (cpuLimit) resources.limits.cpu = cpuLimit;
  return resources;
}

const PROBE_FIELDS = ["path", "period", "failureThreshold", "initialDelay"];
const PROBE_DEFAULTS: Record<keyof Probes, Probe | undefined> = {
  liveness: { path: "/healthz", periodSeconds: 10, failureThreshold: 3, initialDelaySeconds: 0 },
  readiness: { path: "/readyz", periodSeconds: 5, failureThreshold: 3, initialDelaySeconds: 0 },
  startup: undefined,
};

function readProbes(f: Fields): Probes {
  const p = f.child("probes", ["liveness", "readiness", "startup"]);
  const probes: Probes = {};
  for (const kind of ["liveness", "readiness", "startup"] as const) {
    const raw = p?.raw(kind);
    const fallback = PROBE_DEFAULTS[kind];
    if (raw === false) continue; // `liveness: false` turns a default probe off
    if (raw === undefined || raw === null) {
      if (fallback) probes[kind] = fallback;
      continue;
    }
    const pf = p!.child(kind, PROBE_FIELDS)!;
    const base = fallback ?? { path: "/healthz", periodSeconds: 2, failureThreshold: 30, initialDelaySeconds: 0 };
    probes[kind] = {
      path: pf.string("path", base.path, HTTP_PATH)!,
      periodSeconds: Math.max(1, Math.round(pf.durationMs("period", base.periodSeconds * 1000) / 1000)),
      failureThreshold: pf.integer("failureThreshold", base.failureThreshold, 1),
      initialDelaySeconds: Math.round(pf.durationMs("initialDelay", base.initialDelaySeconds * 1000) / 1000),
    };
  }
  return probes;
}

function readSecrets(f: Fields): SecretRef[] {
  return f.list("secrets").map(({ path, value }) => {
    if (typeof value === "string") {
      if (!DNS_NAME.re.test(value)) throw f.error(path, `"${value}" is not a Secret name (${DNS_NAME.expected})`);
      return { name: value };
    }
    const s = new Fields(f.source, path, value, ["name", "key", "env"]);
    const name = s.requiredString("name", DNS_NAME);
    if (!s.has("key") && !s.has("env")) return { name };
    return { name, key: s.requiredString("key", CONFIG_KEY), env: s.requiredString("env", ENV_NAME) };
  });
}

function readIngress(i: Fields): IngressConfig {
  const ingress: IngressConfig = { host: i.requiredString("host", DNS_NAME), path: i.string("path", "/", HTTP_PATH)! };
  const tls = i.string("tlsSecret", undefined, DNS_NAME);
  const cls = i.string("className", undefined, DNS_NAME);
  if (tls) ingress.tlsSecret = tls;
  if (cls) ingress.className = cls;
  return ingress;
}

function readStrategy(f: Fields, analysis: AnalysisConfig | undefined, ingress: IngressConfig | undefined): Strategy {
  const raw = f.raw("strategy");
  if (raw === undefined || raw === null) return { kind: "rolling", maxSurge: "25%", maxUnavailable: 0 };
  const kind = isRecord(raw) ? raw["type"] : undefined;
  const allowed = kind === "rolling" ? ["type", "maxSurge", "maxUnavailable"] : kind === "canary" ? ["type", "steps", "trafficRouter"] : ["type", "scaleDownDelay", "prePromotionAnalysis"];
  const s = new Fields(f.source, f.at("strategy"), raw, allowed);
  switch (kind) {
    case "rolling":
      return { kind, maxSurge: s.intOrPercent("maxSurge", "25%"), maxUnavailable: s.intOrPercent("maxUnavailable", 0) };
    case "canary":
      return { kind, router: readRouter(s, ingress), steps: readSteps(s, analysis) };
    case "blueGreen": {
      const strategy: Strategy = { kind, scaleDownDelayMs: s.durationMs("scaleDownDelay", 30_000) };
      const pre = s.raw("prePromotionAnalysis");
      if (pre !== undefined && pre !== null && pre !== false) strategy.prePromotionAnalysis = readRun(s, s.at("prePromotionAnalysis"), pre === true ? {} : pre, analysis);
      return strategy;
    }
    default:
      throw s.error(s.at("type"), `${describe(kind)} is not a strategy; expected rolling, canary or blueGreen`);
  }
}

function readRouter(s: Fields, ingress: IngressConfig | undefined): TrafficRouter {
  const raw = s.raw("trafficRouter");
  if (raw === undefined || raw === null || raw === "replicas") return { kind: "replicas" };
  if (raw === "nginx") return { kind: "nginx" };
  const type = isRecord(raw) ? raw["type"] : raw;
  if (type === "replicas" || type === "nginx") {
    new Fields(s.source, s.at("trafficRouter"), raw, ["type"]);
    return { kind: type };
  }
  if (type !== "gatewayApi") {
    throw s.error(isRecord(raw) ? [...s.at("trafficRouter"), "type"] : s.at("trafficRouter"), `${describe(type)} is not a traffic router; expected replicas, nginx or gatewayApi`);
  }
  const r = new Fields(s.source, s.at("trafficRouter"), raw, ["type", "gateway", "gatewayNamespace", "sectionName", "hostnames"]);
  const gateway: { name: string; namespace?: string; sectionName?: string } = { name: r.requiredString("gateway", DNS_NAME) };
  const ns = r.string("gatewayNamespace", undefined, DNS_LABEL);
  const section = r.string("sectionName", undefined, DNS_NAME);
  if (ns) gateway.namespace = ns;
  if (section) gateway.sectionName = section;
  const hostnames = r.list("hostnames").map(({ path, value }) => {
    if (typeof value !== "string" || !DNS_NAME.re.test(value)) throw r.error(path, `${describe(value)} is not ${DNS_NAME.expected}`);
    return value;
  });
  return { kind: "gatewayApi", gateway, hostnames: hostnames.length > 0 ? hostnames : ingress ? [ingress.host] : [] };
}

function readSteps(s: Fields, analysis: AnalysisConfig | undefined): CanaryStep[] {
  if (!s.has("steps")) return analysis ? DEFAULT_CANARY_STEPS_WITH_ANALYSIS(analysis.run) : DEFAULT_CANARY_STEPS_WITHOUT_ANALYSIS;
  const items = s.list("steps");
  if (items.length === 0) throw s.error(s.at("steps"), "must list at least one step (or be left out for the default 5% -> 50% -> 100%)");
  let lastWeight = 0;
  let lastIndex = -1;
  const steps = items.map(({ path, value }): CanaryStep => {
    const step = new Fields(s.source, path, value, ["setWeight", "pause", "analysis"]);
    const kinds = ["setWeight", "pause", "analysis"].filter((k) => step.raw(k) !== undefined);
    if (kinds.length !== 1) throw step.error(path, "each step is exactly one of setWeight, pause or analysis");
    if (kinds[0] === "setWeight") {
      const w = step.raw("setWeight");
      if (typeof w !== "number" || !Number.isInteger(w) || w <= 0 || w > 100) throw step.error(step.at("setWeight"), `must be an integer with 0 < weight <= 100, got ${describe(w)}`);
      if (w <= lastWeight) {
        throw step.error(step.at("setWeight"), `weights must strictly increase: ${w} is not above the previous setWeight ${lastWeight} (steps[${lastIndex}])`);
      }
      lastWeight = w;
      lastIndex = path[path.length - 1] as number;
      return { setWeight: w };
    }
    if (kinds[0] === "pause") {
      const raw = step.raw("pause");
      const p = new Fields(s.source, step.at("pause"), raw === null ? {} : raw, ["duration"]);
      return { pause: p.has("duration") ? { durationMs: p.durationMs("duration", 0) } : {} };
    }
    const raw = step.raw("analysis");
    return { analysis: readRun(step, step.at("analysis"), raw === null ? {} : raw, analysis) };
  });
  return steps;
}

function readRun(parent: Fields, path: FieldPath, value: unknown, analysis: AnalysisConfig | undefined): AnalysisRun {
  if (!analysis) throw parent.error(path, "an analysis step needs an `analysis` section (Prometheus address, queries) in the environment");
  const r = new Fields(parent.source, path, value, ["interval", "count", "failureLimit"]);
  return {
    intervalMs: r.durationMs("interval", analysis.run.intervalMs),
    count: r.integer("count", analysis.run.count, 1, 1000),
    failureLimit: r.integer("failureLimit", analysis.run.failureLimit, 0, 1000),
  };
}

function readAnalysis(a: Fields): AnalysisConfig {
  const queries = a.child("queries", ["errorRate", "p99Latency"]);
  const config: AnalysisConfig = {
    prometheus: readPrometheus(a),
    queries: { errorRate: queries?.string("errorRate") ?? DEFAULT_ERROR_RATE_QUERY, p99Latency: queries?.string("p99Latency") ?? DEFAULT_P99_QUERY },
    maxErrorRate: a.number("maxErrorRate", 0.01, 0, 1),
    maxP99Ms: a.durationMs("maxP99", 1000),
    window: a.string("window", "1m", PROMQL_DURATION)!,
    run: { intervalMs: a.durationMs("interval", 30_000), count: a.integer("count", 3, 1, 1000), failureLimit: a.integer("failureLimit", 0, 0, 1000) },
  };
  for (const name of ["errorRate", "p99Latency"] as const) {
    const unknown = unknownPlaceholders(config.queries[name]);
    if (unknown.length > 0) throw a.error([...a.at("queries"), name], `unknown placeholder {{${unknown[0]}}}; expected {{service}}, {{namespace}}, {{track}} or {{window}}`);
  }
  return config;
}

function readPrometheus(a: Fields): PrometheusAddress {
  const raw = a.raw("prometheus");
  if (raw === undefined || raw === null) throw a.error(a.at("prometheus"), "is required: a URL (http://prometheus:9090) or a service (namespace, name, port)");
  if (typeof raw === "string") {
    let url: URL | undefined;
    try {
      url = new URL(raw);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) throw a.error(a.at("prometheus"), `"${raw}" is not an http(s) URL`);
    return { url: raw.replace(/\/+$/, "") };
  }
  const p = new Fields(a.source, a.at("prometheus"), raw, ["namespace", "service", "port"]);
  const port = p.raw("port");
  if (port !== undefined && !(typeof port === "number" && Number.isInteger(port) && port > 0 && port < 65536) && !(typeof port === "string" && DNS_LABEL.re.test(port))) {
    throw p.error(p.at("port"), `${describe(port)} is not a port number or name`);
  }
  return { service: { namespace: p.requiredString("namespace", DNS_LABEL), name: p.requiredString("service", DNS_LABEL), port: (port as number | string | undefined) ?? 9090 } };
}

function readSmoke(f: Fields): SmokeCheck[] {
  return f.list("smoke").map(({ path, value }) => {
    const c = new Fields(f.source, path, typeof value === "string" ? { path: value } : value, ["path", "url", "status"]);
    const check: SmokeCheck = { path: c.string("path", "/", HTTP_PATH)!, status: c.integer("status", 200, 100, 599) };
    const url = c.string("url");
    if (url) {
      if (!/^https?:\/\/\S+$/.test(url)) throw c.error(c.at("url"), `"${url}" is not an http(s) URL`);
      check.url = url;
    }
    return check;
  });
}
