// The environment as the embedded demo rolls it out twice: first as the stable version, then as a
// canary of the same image whose pod template differs (and, with --bad-canary, fails requests), so
// that a rollout with analysis has something to compare.
import { ArgumentError } from "../errors.js";
import { analysisSchema } from "../kube/config/schema.js";
import type { Pipeline } from "../pipeline/schema.js";
import { embeddedRegistryHost } from "./k3s.js";
import { PIECES } from "./pieces.js";

type ParsedEnvironment = Pipeline["environments"][string];

/** The embedded Prometheus, as the analysis queries reach it. */
export const EMBEDDED_PROMETHEUS_URL = `http://${PIECES.prometheus.host}:${PIECES.prometheus.port}`;

/**
 * Analysis timings when the environment declares none: 5 s scrapes (EMBEDDED_SCRAPE_INTERVAL) and a 30 s rate
 * window give a canary pod a measurable rate about 20 s after it is ready, when the first of three
 * measurements is taken. One failed measurement is tolerated, so a pod discovered late cannot fail a
 * good canary on missing data; a bad one fails every measurement and is aborted at the second. The
 * thresholds stay the defaults (error rate above 1%, p99 above 1 s).
 */
const DEMO_ANALYSIS = { window: "30s", interval: "20s", count: 3, failureLimit: 1 } as const;

/**
 * The pipeline's publish settings as the demo uses them: into the embedded registry under the
 * service's name, without a login, signature or attestation (the registry has neither TLS nor users);
 * its environments therefore say `verify: false`.
 */
export function embeddedPublish(publish: Pipeline["publish"], service: string): Pipeline["publish"] {
  const { password: _p, cosignKey: _k, cosignPassword: _c, keyless: _l, ...kept } = publish;
  return { ...kept, username: "", repository: `${embeddedRegistryHost()}/${service}`, attachSbom: false, attest: false };
}

/** hello-api answers this share of GET / with HTTP 500 (its ERROR_RATE setting) in a bad canary. */
export const BAD_CANARY_ERROR_RATE = "0.5";

/** Marks the second revision's pods, so the canary is a new revision of the same image. */
export const DEMO_REVISION_VARIABLE = "GANTRY_DEMO_TRACK";

export interface DemoEnvironments {
  stable: ParsedEnvironment;
  canary: ParsedEnvironment;
}

/**
 * Both revisions measured by the embedded Prometheus: the environment's own analysis thresholds and
 * queries when it has them (only the address changes: its Prometheus cannot see this cluster), else
 * the demo's. A bad canary needs the canary strategy, the only one that can roll back on a measure.
 */
/** The environment the demo rolls out: the pipeline file's first (the demo's cluster holds no other). */
export function demoEnvironmentName(pipeline: Pipeline): string {
  const first = Object.keys(pipeline.environments)[0];
  if (first === undefined)
    throw new ArgumentError("config", "the pipeline file has no environments; describe one under environments: (namespace, strategy) for the demo to roll out");
  return first;
}

export function demoEnvironments(name: string, env: ParsedEnvironment, badCanary: boolean): DemoEnvironments {
  if (badCanary && env.strategy.type !== "canary") {
    throw new ArgumentError(
      "badCanary",
      `environment ${name} rolls out with strategy ${env.strategy.type}; a bad canary is rolled back by a canary strategy's analysis (strategy: {type: canary})`,
    );
  }
  const analysis = env.analysis
    ? { ...env.analysis, prometheus: EMBEDDED_PROMETHEUS_URL }
    : analysisSchema.parse({ prometheus: EMBEDDED_PROMETHEUS_URL, ...DEMO_ANALYSIS });
  // The demo's image is unsigned (embeddedPublish), so its deploys do not verify it.
  const stable: ParsedEnvironment = { ...env, analysis, verify: false };
  const canaryEnv = { ...env.env, [DEMO_REVISION_VARIABLE]: "canary", ...(badCanary ? { ERROR_RATE: BAD_CANARY_ERROR_RATE } : {}) };
  return { stable, canary: { ...stable, env: canaryEnv } };
}
