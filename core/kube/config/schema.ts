// `environments.<name>` of a pipeline file, as a zod schema: the pipeline loader embeds it (so its
// errors carry file:line:column and the field path, and the published JSON Schema describes it),
// and its output is the normalised Environment (types.ts): defaults filled, durations in ms.
import { z } from "zod";

import { parseDurationMs } from "../../duration.js";
import { NONROOT_UID } from "../../image/bases.js";
import { trimTrailing } from "../../text.js";
import { promDurationProblem } from "../analysis/prom-duration.js";
import { DEFAULT_ERROR_RATE_QUERY, DEFAULT_P99_QUERY, DEFAULT_REQUESTS_QUERY, unknownPlaceholders } from "../analysis/queries.js";
import { ingressPathProblem, INT32_MAX, labelKeyProblem } from "./api-limits.js";
import { DNS_LABEL, DNS_NAME, dnsLabel, dnsName, ingressHost, token } from "./fields.js";
import { TRAFFIC_IMAGE } from "./traffic.js";
import { verifySchema } from "../../supply/settings.js";
import { chartFrom, chartSchema } from "./chart.js";
import { environmentRules } from "./environment-rules.js";
import { policyFrom, policySchema } from "./policy.js";
import { gitopsFrom, gitopsSchema } from "./gitops.js";
import { registeredRouters, routerFor } from "../routers/registry.js";
import type { RouterEnvironmentFacts } from "../routers/router.js";
import type { AnalysisRun, CanaryStep, Environment, Probe, Probes, SecretRef, SessionAffinity, Strategy, TrafficRouter } from "./types.js";

const GO_DURATION = /^(?:0|(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+)$/;

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "expected an environment variable name (letters, digits, _)");
const configKey = z.string().regex(/^[-._a-zA-Z0-9]{1,253}$/, "expected a ConfigMap key (letters, digits, '-', '_', '.')");
const quantity = z.string().regex(/^\d+(\.\d+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/, "expected a Kubernetes quantity such as 100m, 0.5, 128Mi or 1Gi");
const httpPath = z.string().regex(/^\/\S*$/, "expected an absolute HTTP path such as /healthz");
export const httpUrl = z
  .string()
  .regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, "expected an http(s) URL such as http://prometheus:9090")
  .superRefine((text, ctx) => {
    // userinfo is whatever precedes "@" in the authority (even an empty one: http://@prom:9090).
    if (
      text
        .replace(/^https?:\/\//, "")
        .split(/[/?#]/)[0]!
        .includes("@")
    ) {
      return void ctx.addIssue({
        code: "custom",
        message: "must not carry credentials (user:password@): a pipeline file holds references only, never secret values",
      });
    }
    if (!URL.canParse(text))
      ctx.addIssue({ code: "custom", message: "expected an http(s) URL such as http://prometheus:9090 (a host, and a port from 1 to 65535)" });
  });
/** A range selector's duration as Prometheus reads it, refused where Prometheus would refuse it. */
const promDuration = z.string().superRefine((text, ctx) => {
  const problem = promDurationProblem(text);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});
const labelKey = z.string().superRefine((key, ctx) => {
  const problem = labelKeyProblem(key);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});
/** An integer the API stores as int32: larger ones would come back wrapped negative. */
const int32 = () => z.int().max(INT32_MAX, `at most ${INT32_MAX} (the API server stores it as a 32-bit integer)`);
/** A duration the API stores as whole seconds in an int32. */
const seconds32 = (duration: z.ZodType<number>) =>
  duration.refine((ms) => ms / 1000 <= INT32_MAX, `at most ${INT32_MAX} seconds (the API server stores it as a 32-bit integer)`);
const ingressPath = httpPath.superRefine((path, ctx) => {
  const problem = ingressPathProblem(path);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});
const labelValue = z.string().regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/, "expected a label value (at most 63 letters, digits, '-', '_', '.')");
/** A Go-style duration, read as milliseconds. */
const duration = z
  .string()
  .regex(GO_DURATION, "expected a duration such as 30s, 5m or 1m30s")
  .transform((text) => parseDurationMs(text)!);
/** Kubernetes' IntOrString for counts: 2 or "25%". */
const intOrPercent = z.union([int32().min(0), z.string().regex(/^(100|[1-9]?[0-9])%$/)], {
  error: 'expected a non-negative integer or a percentage such as "25%"',
});
const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);

/** Labels Gantry sets and selects on; a user's pod label must not override them. */
const RESERVED_LABELS = ["app.kubernetes.io/name", "app.kubernetes.io/managed-by", "gantry.dev/track"];

const probe = z.strictObject({
  path: httpPath.optional().describe("HTTP path probed on the container's port."),
  period: seconds32(duration).optional().describe("Time between probes, e.g. 10s."),
  failureThreshold: int32().min(1).optional().describe("Failed probes in a row that count as a failure."),
  initialDelay: seconds32(duration).optional().describe("Wait before the first probe."),
});
const probeOrOff = z.union([z.literal(false), probe]).optional();

const analysisRun = z.strictObject({
  interval: duration.optional().describe("Time between measurements. Default: analysis.interval."),
  count: z.int().min(1).max(1000).optional().describe("Measurements to take. Default: analysis.count."),
  failureLimit: z.int().min(0).max(1000).optional().describe("Failed measurements tolerated; one more aborts. Default: analysis.failureLimit."),
  inconclusiveLimit: z
    .int()
    .min(0)
    .max(1000)
    .optional()
    .describe("Inconclusive measurements (too few requests) tolerated; one more aborts. Default: analysis.inconclusiveLimit."),
  consecutiveErrorLimit: z
    .int()
    .min(0)
    .max(1000)
    .optional()
    .describe("Measurements in a row that could not query Prometheus, tolerated; one more aborts. Default: analysis.consecutiveErrorLimit."),
});

const step = z
  .strictObject({
    setWeight: z.int().gt(0, "expected 0 < weight <= 100").lte(100, "expected 0 < weight <= 100").optional().describe("Percentage of traffic to the canary."),
    pause: z
      .strictObject({ duration: duration.optional().describe("How long; without it, until promoted by hand.") })
      .nullable()
      .optional()
      .describe("Wait: a duration, or {} to wait for a manual promote."),
    analysis: analysisRun.nullable().optional().describe("Measure the canary with the environment's analysis queries."),
    match: z
      .strictObject({})
      .nullable()
      .optional()
      .describe(
        "A/B before any weight: only the requests trafficRouter.canaryMatch names reach the canary (one pod); put it first, with analysis steps after it.",
      ),
  })
  .refine(
    (s) => [s.setWeight, s.pause, s.analysis, s.match].filter((v) => v !== undefined).length === 1,
    "each step is exactly one of setWeight, match, pause or analysis",
  );

/** A Gateway API Duration (GEP-2257), as the HTTPRoute CRD's pattern checks it. */
const gatewayDuration = z
  .string()
  .regex(/^([0-9]{1,5}(h|m|s|ms)){1,4}$/, "expected a Gateway API duration: 1 to 4 parts of at most 5 digits, each with h, m, s or ms (1h, 30m, 1h30m)")
  .refine((d) => /[1-9]/.test(d), "must be greater than 0: the session would end at once");

const sessionAffinity = z
  .strictObject({
    cookie: z
      .strictObject({
        name: token("a cookie name").optional().describe("The cookie's name. Default: the Gateway chooses one."),
        lifetime: z
          .enum(["session", "permanent"])
          .optional()
          .describe("session: deleted when the browser session ends; permanent: kept until absoluteTimeout (its Max-Age)."),
      })
      .optional()
      .describe("The Gateway sets a cookie naming the client's pod."),
    header: z
      .strictObject({
        name: z
          .string({ error: (i) => (i.input === undefined ? "is required: the header the client sends back" : undefined) })
          .pipe(token("an HTTP header name"))
          .describe("The header the client sends back."),
      })
      .optional()
      .describe("The Gateway answers with a header naming the client's pod, which the client sends back."),
    absoluteTimeout: gatewayDuration.optional().describe("The session ends this long after it started (a Gateway API duration: 1h, 30m)."),
    idleTimeout: z.unknown().optional().describe("Not available: Gateway API v1.6 removed it; use absoluteTimeout."),
  })
  .superRefine((a, ctx) => {
    if ((a.cookie === undefined) === (a.header === undefined))
      ctx.addIssue({ code: "custom", message: "set cookie or header (how the client carries its session), not both and not neither" });
    if (a.cookie?.lifetime === "permanent" && a.absoluteTimeout === undefined)
      ctx.addIssue({ code: "custom", path: ["absoluteTimeout"], message: "is required with cookie.lifetime permanent: it is the cookie's Max-Age" });
    if (a.idleTimeout !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["idleTimeout"],
        message: "Gateway API v1.6 removed idleTimeout from sessionPersistence (no implementation supported it); use absoluteTimeout",
      });
  });

// Every registered router's settings (routers/), or the bare name of one that needs none.
const routers = registeredRouters();
const router = z.union(
  [
    z.enum(routers.filter((r) => r.shorthand).map((r) => r.kind) as [string, ...string[]]),
    z.discriminatedUnion(
      "type",
      routers.map((r) => r.input) as unknown as [z.ZodObject<{ type: z.ZodLiteral<string> }>, ...z.ZodObject<{ type: z.ZodLiteral<string> }>[]],
    ),
  ],
  { error: `expected a traffic router: ${orList(routers.map((r) => r.usage))}` },
);

const strategy = z.discriminatedUnion(
  "type",
  [
    z.strictObject({
      type: z.literal("rolling"),
      maxSurge: intOrPercent.default("25%").describe("Extra pods during the update."),
      maxUnavailable: intOrPercent.default(0).describe("Pods that may be unavailable during the update."),
    }),
    z.strictObject({
      type: z.literal("canary"),
      steps: z
        .array(step)
        .min(1)
        .optional()
        .describe("Argo Rollouts style steps. Default: 5% -> 50% -> 100% with analysis (or 30s pauses without Prometheus) between."),
      trafficRouter: router.default("replicas").describe(`How traffic is split: ${routers.map((r) => `${r.kind} (${r.summary})`).join(", ")}.`),
      sessionAffinity: sessionAffinity
        .optional()
        .describe(
          "Keep each client on one pod of the track the split chose (gatewayApi: HTTPRoute sessionPersistence, Gateway API's experimental channel). It does not keep a client on the canary: each request is split by the weights.",
        ),
    }),
    z.strictObject({
      type: z.literal("blueGreen"),
      scaleDownDelay: duration.prefault("30s").describe("How long the previous colour stays up after the switch, for an instant switch back."),
      prePromotionAnalysis: z.union([z.boolean(), analysisRun]).default(false).describe("Analyse the new colour before the switch (needs analysis)."),
    }),
  ],
  { error: "expected a strategy type: rolling, canary or blueGreen" },
);

const prometheus = z.union(
  [
    httpUrl,
    z.strictObject({
      namespace: dnsLabel,
      service: dnsLabel,
      port: z.union([z.int().min(1).max(65535), dnsLabel]).default(9090),
    }),
  ],
  { error: "expected a Prometheus URL (http://prometheus:9090) or a service {namespace, service, port}" },
);

const query = z
  .string()
  .min(1)
  .refine((q) => unknownPlaceholders(q).length === 0, { error: "unknown placeholder; use {{service}}, {{namespace}}, {{track}} or {{window}}" });

export const analysisSchema = z.strictObject({
  prometheus: prometheus.describe("Where Prometheus answers: a URL, or a Service reached through the API server's proxy."),
  queries: z
    .strictObject({
      errorRate: query.default(DEFAULT_ERROR_RATE_QUERY).describe("Error ratio (0..1) of a track."),
      p99Latency: query.default(DEFAULT_P99_QUERY).describe("p99 latency of a track, in seconds."),
      requests: query.default(DEFAULT_REQUESTS_QUERY).describe("Requests a track served in the window (compared with minRequests)."),
    })
    .prefault({}),
  minRequests: z
    .int()
    .min(0)
    .max(INT32_MAX)
    .default(10)
    .describe(
      "Requests the track must have served in the window for a measurement to count; fewer make it inconclusive (one 500 among a handful of requests decides nothing). 0 turns the check off.",
    ),
  maxErrorRate: z.number().min(0).max(1).default(0.01).describe("Highest acceptable error ratio, 0..1 (0.01 = 1%)."),
  maxP99: duration
    .refine((ms) => ms > 0, "must be greater than 0: no latency is at or under 0, so every canary would fail")
    .prefault("1s")
    .describe("Highest acceptable p99 latency."),
  window: promDuration.default("1m").describe("Range of the rate() windows, a Prometheus duration greater than 0 (1m, 90s, 1h30m)."),
  interval: duration.prefault("30s").describe("Default time between measurements."),
  count: z.int().min(1).max(1000).default(3).describe("Default number of measurements per analysis step."),
  failureLimit: z.int().min(0).max(1000).default(0).describe("Default failed measurements tolerated per analysis step."),
  inconclusiveLimit: z
    .int()
    .min(0)
    .max(1000)
    .default(3)
    .describe("Default inconclusive measurements (too few requests) tolerated per analysis step; one more rolls back."),
  consecutiveErrorLimit: z
    .int()
    .min(0)
    .max(1000)
    .default(4)
    .describe("Default measurements in a row that could not query Prometheus (unreachable, 5xx, timeout, an error answer), tolerated; one more rolls back."),
});

const secretName = z.string().regex(DNS_NAME, "expected the name of an existing Secret (a DNS name; never its value)");
const secret = z.union([secretName, z.strictObject({ name: secretName, key: configKey.optional(), env: envName.optional() })], {
  error: "expected an existing Secret's name, or {name, key, env} for one key as one variable",
});

export const environmentSchema = z
  .strictObject({
    namespace: z
      .string({ error: (issue) => (issue.input === undefined ? "is required: the namespace to deploy to" : undefined) })
      .regex(DNS_LABEL, "expected a DNS label (lowercase letters, digits and '-', at most 63)")
      .describe("Namespace to deploy to (it must exist, unless createNamespace)."),
    createNamespace: z
      .boolean()
      .default(false)
      .describe(
        "Create the namespace when it does not exist, labelled for Pod Security admission (enforce, audit and warn: restricted). An existing namespace is left as it is.",
      ),
    replicas: z.int().min(1).max(1000).default(2).describe("Pods of the service."),
    port: z.int().min(1).max(65535).optional().describe("Container port. Default: image.port (8080)."),
    runAsUser: int32().min(1).optional().describe("Uid the container runs as. Default: image.user (65532)."),
    resources: z
      .strictObject({
        requests: z.strictObject({ cpu: quantity.default("100m"), memory: quantity.default("64Mi") }).prefault({}),
        limits: z.strictObject({ cpu: quantity.optional(), memory: quantity.default("128Mi") }).prefault({}),
      })
      .prefault({})
      .describe("Requests and limits. Default: requests 100m/64Mi, memory limit 128Mi, no CPU limit."),
    probes: z
      .strictObject({ liveness: probeOrOff, readiness: probeOrOff, startup: probeOrOff })
      .prefault({})
      .describe("HTTP probes; false turns a default one off. Default: liveness /healthz, readiness /readyz."),
    podLabels: z.record(labelKey, labelValue).default({}).describe("Extra pod labels."),
    env: z.record(envName, scalar).default({}).describe("Environment variables."),
    config: z.record(configKey, scalar).default({}).describe("ConfigMap data (as environment variables), under a content-hashed name."),
    secrets: z.array(secret).default([]).describe("Existing Secrets, by name only."),
    ingress: z
      .strictObject({ host: ingressHost, tlsSecret: dnsName.optional(), className: dnsName.optional(), path: ingressPath.default("/") })
      .optional()
      .describe("An Ingress for the service."),
    hpa: z
      .strictObject({ minReplicas: int32().min(1).optional(), maxReplicas: int32().min(1).optional(), cpuUtilization: z.int().min(1).max(1000).default(80) })
      .optional()
      .describe("A HorizontalPodAutoscaler on CPU."),
    pdb: z
      .strictObject({ minAvailable: intOrPercent.optional(), maxUnavailable: intOrPercent.optional() })
      .refine((p) => (p.minAvailable === undefined) !== (p.maxUnavailable === undefined), "set minAvailable or maxUnavailable, not both (and not neither)")
      .optional()
      .describe("A PodDisruptionBudget."),
    strategy: strategy.prefault({ type: "rolling" }).describe("How a new version replaces the running one."),
    analysis: analysisSchema.optional().describe("Prometheus queries and thresholds that decide a canary's fate."),
    smoke: z
      .array(z.union([httpPath, z.strictObject({ path: httpPath.default("/"), url: httpUrl.optional(), status: z.int().min(100).max(599).default(200) })]))
      .default([])
      .describe("HTTP checks run with each analysis measurement."),
    traffic: z
      .strictObject({
        url: httpUrl.describe("Where the requests go: a URL the traffic container reaches (the ingress, or the Service's address in your network)."),
        rate: z.int().min(1).max(1000).default(10).describe("Requests per second, at most (one at a time)."),
        image: z.string().min(1).default(TRAFFIC_IMAGE).describe("An image with busybox sh, wget and sleep, for mirrors."),
      })
      .optional()
      .describe(
        "Load for a quiet service: GET <url> at <rate> per second from a container next to the rollout, for as long as it runs, so the analysis has requests to measure.",
      ),
    progressDeadline: seconds32(
      duration.refine((ms) => ms >= 1000, "must be at least 1s: the API server counts it in whole seconds, and a deadline of 0 aborts every rollout at once"),
    )
      .prefault("5m")
      .describe("How long a new revision may take to be ready before the rollout aborts."),
    maxRestarts: int32().min(0).default(3).describe("Restarts of a new revision's pods that count as a crash loop."),
    verify: verifySchema,
    policy: policySchema
      .optional()
      .describe("Rego policies (Open Policy Agent) a deploy must pass before anything is applied; a failure names the rule and the object."),
    gitops: gitopsSchema.optional(),
    chart: chartSchema.optional().describe("A Helm chart whose objects are deployed instead of Gantry's own, with the pushed image set in its values."),
  })
  .superRefine((e, ctx) => {
    environmentRules(e, (path, message) => ctx.addIssue({ code: "custom", path, message }));
    for (const key of Object.keys(e.podLabels)) {
      if (RESERVED_LABELS.includes(key))
        ctx.addIssue({ code: "custom", path: ["podLabels", key], message: "is set by Gantry (it selects the pods); choose another label" });
    }
    if (e.secrets.some((s) => typeof s === "object" && (s.key === undefined) !== (s.env === undefined))) {
      const i = e.secrets.findIndex((s) => typeof s === "object" && (s.key === undefined) !== (s.env === undefined));
      ctx.addIssue({ code: "custom", path: ["secrets", i], message: "give both key and env (one key as one variable), or neither (the whole Secret)" });
    }
    if (e.hpa?.minReplicas !== undefined && e.hpa.maxReplicas !== undefined && e.hpa.maxReplicas < e.hpa.minReplicas) {
      ctx.addIssue({ code: "custom", path: ["hpa", "maxReplicas"], message: `must be at least minReplicas (${e.hpa.minReplicas})` });
    }
    const s = e.strategy;
    if (s.type === "canary") {
      let last = 0;
      let lastIndex = -1;
      (s.steps ?? []).forEach((st, i) => {
        if (st.setWeight !== undefined) {
          if (st.setWeight <= last) {
            ctx.addIssue({
              code: "custom",
              path: ["strategy", "steps", i, "setWeight"],
              message: `weights must strictly increase: ${st.setWeight} is not above the previous setWeight ${last} (steps[${lastIndex}])`,
            });
          }
          last = st.setWeight;
          lastIndex = i;
        }
        if (st.analysis !== undefined && !e.analysis) {
          ctx.addIssue({
            code: "custom",
            path: ["strategy", "steps", i, "analysis"],
            message: "an analysis step needs an `analysis` section (Prometheus address, queries) in the environment",
          });
        }
      });
      const steps = s.steps ?? [];
      const matchStep = steps.findIndex((st) => st.match !== undefined);
      const firstWeight = steps.findIndex((st) => st.setWeight !== undefined);
      steps.forEach((st, i) => {
        if (st.match === undefined) return;
        if (i !== matchStep)
          ctx.addIssue({
            code: "custom",
            path: ["strategy", "steps", i, "match"],
            message: `only one match step (steps[${matchStep}] is one): the matched requests stay on the canary until promote or abort`,
          });
        else if (firstWeight >= 0 && i > firstWeight)
          ctx.addIssue({
            code: "custom",
            path: ["strategy", "steps", i, "match"],
            message: `must come before every setWeight (steps[${firstWeight}]): once the canary has a weight, canaryMatch already sends it the matched requests`,
          });
      });
      const r = routerOf(s.trafficRouter);
      const facts = routerFacts(e, matchStep >= 0 ? matchStep : undefined);
      if (matchStep >= 0 && !r.matchOnly) {
        ctx.addIssue({
          code: "custom",
          path: ["strategy", "steps", matchStep, "match"],
          message: `the ${r.kind} traffic router cannot send chosen requests to the canary; use trafficRouter {type: gatewayApi, gateway: <name>, canaryMatch: {...}}`,
        });
      }
      if (s.sessionAffinity && !r.keepsSessions.supported)
        ctx.addIssue({ code: "custom", path: ["strategy", "sessionAffinity"], message: r.keepsSessions.why });
      for (const problem of r.problems(facts, r.configFrom(routerInput(s.trafficRouter), facts))) ctx.addIssue({ code: "custom", ...problem });
    }
    if (s.type === "blueGreen" && s.prePromotionAnalysis !== false && !e.analysis) {
      ctx.addIssue({
        code: "custom",
        path: ["strategy", "prePromotionAnalysis"],
        message: "needs an `analysis` section (Prometheus address, queries) in the environment",
      });
    }
  });

/** The registered router a parsed `trafficRouter` names (the schema accepts only registered kinds). */
function routerOf(r: string | { type: string }) {
  return routerFor({ kind: typeof r === "string" ? r : r.type } as TrafficRouter);
}

/** The parsed `trafficRouter` as its router's input: a bare name is `{type: <name>}`. */
function routerInput(r: string | { type: string }): { type: string } {
  return typeof r === "string" ? { type: r } : r;
}

function routerFacts(e: Pick<Parsed, "ingress" | "hpa" | "strategy">, matchStep?: number): RouterEnvironmentFacts {
  const affinity = e.strategy.type === "canary" ? e.strategy.sessionAffinity : undefined;
  return {
    ...(e.ingress ? { ingress: { host: e.ingress.host } } : {}),
    hpa: Boolean(e.hpa),
    ...(matchStep !== undefined ? { matchStep } : {}),
    ...(affinity ? { sessionAffinity: sessionAffinityFrom(affinity) } : {}),
  };
}

function sessionAffinityFrom(a: NonNullable<Extract<Parsed["strategy"], { type: "canary" }>["sessionAffinity"]>): SessionAffinity {
  const name = a.cookie?.name ?? a.header?.name;
  const lifetime = a.cookie?.lifetime;
  return {
    type: a.cookie ? "Cookie" : "Header",
    ...(name ? { name } : {}),
    ...(a.absoluteTimeout ? { absoluteTimeout: a.absoluteTimeout } : {}),
    ...(lifetime ? { cookieLifetime: lifetime === "permanent" ? "Permanent" : "Session" } : {}),
  };
}

/** "a, b or c". */
function orList(items: string[]): string {
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}

export type EnvironmentInput = z.input<typeof environmentSchema>;
type Parsed = z.output<typeof environmentSchema>;

/** Defaults an environment takes from the rest of the pipeline (the image's port and user). */
export interface EnvironmentDefaults {
  port?: number;
  runAsUser?: number;
}

const PROBE_DEFAULTS: Record<keyof Probes, Probe | undefined> = {
  liveness: { path: "/healthz", periodSeconds: 10, failureThreshold: 3, initialDelaySeconds: 0 },
  readiness: { path: "/readyz", periodSeconds: 5, failureThreshold: 3, initialDelaySeconds: 0 },
  startup: undefined,
};
const STARTUP_BASE: Probe = { path: "/healthz", periodSeconds: 2, failureThreshold: 30, initialDelaySeconds: 0 };

/** The default canary: 5% -> 50% -> 100%, measured between steps, or paused 30s without Prometheus. */
export function defaultCanarySteps(run: AnalysisRun | undefined): CanaryStep[] {
  const between: CanaryStep = run ? { analysis: run } : { pause: { durationMs: 30_000 } };
  return [{ setWeight: 5 }, between, { setWeight: 50 }, between, { setWeight: 100 }];
}

/** The Environment of a parsed `environments.<name>` entry. */
export function environmentFrom(name: string, e: Parsed, defaults: EnvironmentDefaults = {}): Environment {
  const analysisConfig = e.analysis && {
    prometheus:
      typeof e.analysis.prometheus === "string"
        ? { url: trimTrailing(e.analysis.prometheus, "/") }
        : { service: { namespace: e.analysis.prometheus.namespace, name: e.analysis.prometheus.service, port: e.analysis.prometheus.port } },
    queries: e.analysis.queries,
    minRequests: e.analysis.minRequests,
    maxErrorRate: e.analysis.maxErrorRate,
    maxP99Ms: e.analysis.maxP99,
    window: e.analysis.window,
    run: {
      intervalMs: e.analysis.interval,
      count: e.analysis.count,
      failureLimit: e.analysis.failureLimit,
      inconclusiveLimit: e.analysis.inconclusiveLimit,
      consecutiveErrorLimit: e.analysis.consecutiveErrorLimit,
    },
  };
  const run = (r: z.output<typeof analysisRun> | null | undefined): AnalysisRun => ({
    intervalMs: r?.interval ?? analysisConfig!.run.intervalMs,
    count: r?.count ?? analysisConfig!.run.count,
    failureLimit: r?.failureLimit ?? analysisConfig!.run.failureLimit,
    inconclusiveLimit: r?.inconclusiveLimit ?? analysisConfig!.run.inconclusiveLimit,
    consecutiveErrorLimit: r?.consecutiveErrorLimit ?? analysisConfig!.run.consecutiveErrorLimit,
  });
  const env: Environment = {
    name,
    namespace: e.namespace,
    createNamespace: e.createNamespace,
    replicas: e.replicas,
    port: e.port ?? defaults.port ?? 8080,
    resources: {
      requests: e.resources.requests,
      limits: { memory: e.resources.limits.memory, ...(e.resources.limits.cpu ? { cpu: e.resources.limits.cpu } : {}) },
    },
    probes: probes(e.probes),
    podLabels: e.podLabels,
    env: e.env,
    config: e.config,
    secrets: e.secrets.map((s): SecretRef =>
      typeof s === "string" ? { name: s } : s.key && s.env ? { name: s.name, key: s.key, env: s.env } : { name: s.name },
    ),
    strategy: strategyFrom(e, analysisConfig ? run : undefined),
    smoke: e.smoke.map((c) => (typeof c === "string" ? { path: c, status: 200 } : { path: c.path, status: c.status, ...(c.url ? { url: c.url } : {}) })),
    progressDeadlineMs: e.progressDeadline,
    maxRestarts: e.maxRestarts,
    runAsUser: e.runAsUser ?? defaults.runAsUser ?? NONROOT_UID,
  };
  if (e.ingress)
    env.ingress = {
      host: e.ingress.host,
      path: e.ingress.path,
      ...(e.ingress.tlsSecret ? { tlsSecret: e.ingress.tlsSecret } : {}),
      ...(e.ingress.className ? { className: e.ingress.className } : {}),
    };
  if (e.hpa) {
    const minReplicas = e.hpa.minReplicas ?? e.replicas;
    env.hpa = { minReplicas, maxReplicas: e.hpa.maxReplicas ?? Math.max(minReplicas, e.replicas) * 2, cpuUtilization: e.hpa.cpuUtilization };
  }
  if (e.pdb) env.pdb = e.pdb.minAvailable !== undefined ? { minAvailable: e.pdb.minAvailable } : { maxUnavailable: e.pdb.maxUnavailable! };
  if (analysisConfig) env.analysis = analysisConfig;
  if (e.traffic) env.traffic = { url: e.traffic.url, rate: e.traffic.rate, image: e.traffic.image };
  if (e.policy) env.policy = policyFrom(e.policy);
  if (e.gitops) env.gitops = gitopsFrom(e.gitops);
  if (e.chart) env.chart = chartFrom(e.chart);
  return env;
}

function probes(p: Parsed["probes"]): Probes {
  const out: Probes = {};
  for (const kind of ["liveness", "readiness", "startup"] as const) {
    const given = p[kind];
    if (given === false) continue; // turned off
    const base = PROBE_DEFAULTS[kind];
    if (given === undefined) {
      if (base) out[kind] = base;
      continue;
    }
    const b = base ?? STARTUP_BASE;
    out[kind] = {
      path: given.path ?? b.path,
      periodSeconds: given.period === undefined ? b.periodSeconds : Math.max(1, Math.round(given.period / 1000)),
      failureThreshold: given.failureThreshold ?? b.failureThreshold,
      initialDelaySeconds: given.initialDelay === undefined ? b.initialDelaySeconds : Math.round(given.initialDelay / 1000),
    };
  }
  return out;
}

function canaryStep(st: z.output<typeof step>, run: ((r: z.output<typeof analysisRun> | null | undefined) => AnalysisRun) | undefined): CanaryStep {
  if (st.setWeight !== undefined) return { setWeight: st.setWeight };
  if (st.match !== undefined) return { match: {} };
  if (st.pause !== undefined) return { pause: st.pause?.duration === undefined ? {} : { durationMs: st.pause.duration } };
  return { analysis: run!(st.analysis) };
}

function strategyFrom(e: Parsed, run: ((r: z.output<typeof analysisRun> | null | undefined) => AnalysisRun) | undefined): Strategy {
  const s = e.strategy;
  if (s.type === "rolling") return { kind: "rolling", maxSurge: s.maxSurge, maxUnavailable: s.maxUnavailable };
  if (s.type === "blueGreen") {
    const strategy: Strategy = { kind: "blueGreen", scaleDownDelayMs: s.scaleDownDelay };
    if (s.prePromotionAnalysis !== false && run) strategy.prePromotionAnalysis = run(s.prePromotionAnalysis === true ? undefined : s.prePromotionAnalysis);
    return strategy;
  }
  const matchStep = s.steps?.findIndex((st) => st.match !== undefined);
  const trafficRouter = routerOf(s.trafficRouter).configFrom(
    routerInput(s.trafficRouter),
    routerFacts(e, matchStep !== undefined && matchStep >= 0 ? matchStep : undefined),
  ) as TrafficRouter;
  const steps = s.steps ? s.steps.map((st) => canaryStep(st, run)) : defaultCanarySteps(run?.(undefined));
  return { kind: "canary", router: trafficRouter, steps };
}
