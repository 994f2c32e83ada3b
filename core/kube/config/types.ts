import type { GitOpsConfig } from "./gitops.js";
import type { ChartConfig } from "./chart.js";

/**
 * Every traffic router's settings, by kind. routers/registry.ts fills it from the routers it
 * registers (declaration merging), so this file imports nothing from routers/ and a kind no router
 * registers is no TrafficRouter.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging (routers/registry.ts)
export interface RouterConfigs {}

/** How traffic is split between the stable and the canary pods: one registered router's settings. */
export type TrafficRouter = RouterConfigs[keyof RouterConfigs];

/**
 * One deployment environment, as `environments.<name>` of a pipeline file describes it once
 * normalised: every default filled in, every duration in milliseconds. Read by the renderer and the
 * rollout strategies; written only by environmentFrom() in schema.ts.
 */
export interface Environment {
  /** The environment's key in the pipeline file, e.g. "staging". */
  name: string;
  namespace: string;
  /** Create the namespace, labelled for Pod Security admission, when a deploy finds it missing. Default false. */
  createNamespace: boolean;
  /** Desired pods; with an HPA, the count a rollout starts from. Default 2. */
  replicas: number;
  /** The container's HTTP port (the Service targets it). Default 8080. */
  port: number;
  resources: Resources;
  probes: Probes;
  /** Extra labels on the pods (team, cost centre; kwok's gantry.dev/simulate in tests). Part of the revision. */
  podLabels: Record<string, string>;
  /** Plain environment variables, in the order given. */
  env: Record<string, string>;
  /** ConfigMap data, mounted as environment variables (envFrom) under a content-hashed name. */
  config: Record<string, string>;
  /** Existing Secrets, referenced by name; Gantry never reads or writes their values. */
  secrets: SecretRef[];
  ingress?: IngressConfig;
  hpa?: HpaConfig;
  pdb?: PdbConfig;
  strategy: Strategy;
  analysis?: AnalysisConfig;
  /** Load sent during the rollout, for a service with too little traffic of its own to measure. */
  traffic?: TrafficConfig;
  /** HTTP checks run with every analysis measurement (and before a blue-green switch). */
  smoke: SmokeCheck[];
  /** How long a new revision may take to have all its pods ready before the rollout aborts. Default 5m. */
  progressDeadlineMs: number;
  /** Restarts of a new revision's pods that count as a crash loop and abort the rollout. Default 3. */
  maxRestarts: number;
  /** Uid the container runs as (the image's non-root user). Default 65532. */
  runAsUser: number;
  /** Rego policies a deploy must pass before anything is applied (`policy:`); none when absent. */
  policy?: PolicyConfig;
  /** Deploy by committing to a repository a GitOps tool syncs, instead of applying (gitops.ts). */
  gitops?: GitOpsConfig;
  /** The user's Helm chart, rendered and rolled out instead of Gantry's own objects. */
  chart?: ChartConfig;
}

/**
 * Who must have signed the image: a keyless (OIDC) identity's issuer and subject, or the key
 * verify checked the signature with, as verify names it.
 */
export type SignerIdentity = { issuer: string; subject: string } | { key: string };

/** The environment's policy gate: which Rego policies, and what the default ones expect. */
export interface PolicyConfig {
  /** Evaluate Gantry's default policy set (policies/gantry). */
  defaults: boolean;
  /** More Rego directories, relative to the repository root; their `deny` rules join the defaults'. */
  directories: string[];
  /** The pipeline's signing identity the default policies require. */
  identity?: SignerIdentity;
  /** How old a passed scan may be, in days. */
  maxScanAgeDays: number;
}

export interface Resources {
  requests: { cpu: string; memory: string };
  limits: { cpu?: string; memory: string };
}

export interface Probe {
  path: string;
  periodSeconds: number;
  failureThreshold: number;
  initialDelaySeconds: number;
}

export interface Probes {
  liveness?: Probe;
  readiness?: Probe;
  startup?: Probe;
}

/** A whole Secret as environment variables (envFrom), or one key as one variable (secretKeyRef). */
export type SecretRef = { name: string } | { name: string; key: string; env: string };

export interface IngressConfig {
  host: string;
  /** An existing Secret of type kubernetes.io/tls for the host. */
  tlsSecret?: string;
  /** IngressClass name, e.g. "nginx". */
  className?: string;
  path: string;
}

export interface HpaConfig {
  minReplicas: number;
  maxReplicas: number;
  /** Target average CPU utilisation, percent of requests. */
  cpuUtilization: number;
}

/** Exactly one of the two, as policy/v1 requires; an integer or a percentage such as "50%". */
export type PdbConfig = { minAvailable: number | string } | { maxUnavailable: number | string };

export type Strategy = RollingStrategy | CanaryStrategy | BlueGreenStrategy;

export interface RollingStrategy {
  kind: "rolling";
  maxSurge: number | string;
  maxUnavailable: number | string;
}

export interface CanaryStrategy {
  kind: "canary";
  steps: CanaryStep[];
  /** How traffic is split between the stable and the canary pods (routers/). */
  router: TrafficRouter;
}

/**
 * `match`: A/B before any weight, only the requests the router's canaryMatch names reach the canary
 * (it runs MATCH_ONLY_PODS pods); the router must be able to match requests.
 */
export type CanaryStep = { setWeight: number } | { match: Record<string, never> } | { pause: { durationMs?: number } } | { analysis: AnalysisRun };

/**
 * `strategy.sessionAffinity`: a client keeps reaching the same pod of the track the split chose
 * (Gateway API sessionPersistence on the HTTPRoute's rules), by a cookie or a header.
 */
export interface SessionAffinity {
  type: "Cookie" | "Header";
  /** The cookie's or the header's name (a cookie's is optional: the Gateway then chooses one). */
  name?: string;
  /** A Gateway API duration (1h, 30m, 1h30m): the session ends this long after it started. */
  absoluteTimeout?: string;
  /** A cookie's lifetime: Session (deleted when the browser session ends) or Permanent (Max-Age = absoluteTimeout). */
  cookieLifetime?: "Session" | "Permanent";
}

export interface BlueGreenStrategy {
  kind: "blueGreen";
  /** How long the previous colour keeps running after the switch, for an instant switch back. Default 30s. */
  scaleDownDelayMs: number;
  /** Analysis of the new colour (through its preview Service) before the switch; needs `analysis`. */
  prePromotionAnalysis?: AnalysisRun;
}

/** Where Prometheus answers: a URL, or a Service reached through the API server's service proxy. */
export type PrometheusAddress = { url: string } | { service: { namespace: string; name: string; port: number | string } };

export interface AnalysisConfig {
  prometheus: PrometheusAddress;
  /** PromQL templates; {{service}}, {{namespace}}, {{track}} and {{window}} are replaced. */
  queries: { errorRate: string; p99Latency: string; requests: string };
  /** Requests the track must have served in the window for a measurement to decide anything. Default 10. */
  minRequests: number;
  /** Highest acceptable error ratio, 0..1. Default 0.01 (1%). */
  maxErrorRate: number;
  /** Highest acceptable p99 latency. Default 1s. */
  maxP99Ms: number;
  /** Range of the rate() windows, a PromQL duration. Default "1m". */
  window: string;
  /** Defaults for each analysis step. */
  run: AnalysisRun;
}

/**
 * One analysis step: `count` conclusive measurements `intervalMs` apart; more than `failureLimit`
 * failed ones abort, so do more than `inconclusiveLimit` inconclusive ones (too few requests) and
 * more than `consecutiveErrorLimit` in a row that could not measure (Prometheus unreachable or erring).
 */
export interface AnalysisRun {
  intervalMs: number;
  count: number;
  failureLimit: number;
  inconclusiveLimit: number;
  consecutiveErrorLimit: number;
}

export interface TrafficConfig {
  url: string;
  /** Requests per second, at most. */
  rate: number;
  image: string;
}

export interface SmokeCheck {
  /** Request path on the checked Service (through the API server's service proxy), e.g. /readyz. */
  path: string;
  /** A full URL instead of the service proxy (reached by the runner's Http port). */
  url?: string;
  /** Expected HTTP status. Default 200. */
  status: number;
}
