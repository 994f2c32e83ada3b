import { GantryError } from "../errors.js";
import { prometheusRequest } from "./analysis/prometheus-address.js";
import type { PrometheusAddress } from "./config/types.js";
import type { KubeObject } from "./manifests/objects.js";
import type { Delivery } from "./notify/delivery.js";
import type { Notification } from "./notify/notification.js";
import type { StepMark } from "./release-metrics.js";

/** What running a command gave. */
export interface Ran {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs a kubectl argv (argv[0] is "kubectl") with optional stdin. Host tests run it; Dagger runs it in a container. */
export interface Kubectl {
  run(argv: string[], stdin?: string): Promise<Ran>;
}

/** Sends a PromQL instant query (now, or at a past moment in Unix seconds); resolves with the response body, rejects when Prometheus is unreachable. */
export interface Metrics {
  query(promql: string, at?: number): Promise<string>;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** A plain HTTP GET, for Prometheus URLs and smoke checks with a URL; POST for notifications and release marks. */
export interface Http {
  get(url: string): Promise<{ status: number; body: string }>;
  post?(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: string }>;
}

/** Announces a run's outcome (webhooks, CI surfaces) and says what became of each delivery. */
export interface Notifier {
  notify(n: Notification): Promise<Delivery[]>;
}

/** Marks each step where dashboards show it (Grafana annotations, a Pushgateway). */
export interface Marker {
  mark(m: StepMark): Promise<Delivery[]>;
}

export interface Ports {
  kubectl: Kubectl;
  clock: Clock;
  /** Needed by analysis steps; without it every measurement fails (never passes). */
  metrics?: Metrics;
  http?: Http;
  /** Told once per outcome (promoted, aborted, waiting at a gate, stuck); its failures change no verdict. */
  notifier?: Notifier;
  /** Told at each step; its failures change no verdict either. */
  marker?: Marker;
}

/**
 * A check of the objects a deploy is about to apply (the environment's policies), asked before the
 * first kubectl call: a refusal ends the deploy with nothing applied, its reason naming why.
 */
export interface Admission {
  admit(objects: KubeObject[]): Promise<{ allowed: true } | { allowed: false; reason: string }>;
}

/** Metrics for an analysis config's address: over HTTP for a URL, through kubectl for a Service. */
export function metricsFor(address: PrometheusAddress, ports: { kubectl: Kubectl; http?: Http }): Metrics {
  return {
    async query(promql, at) {
      const request = prometheusRequest(address, promql, at);
      if ("url" in request) {
        if (!ports.http) throw new GantryError("no HTTP client to reach Prometheus at a URL");
        const answer = await ports.http.get(request.url);
        // Prometheus explains its own refusals (400 bad_data, 422, 503) in a status:error body; any other
        // non-2xx answer (a proxy's, or one claiming success) is not a measurement.
        if ((answer.status < 200 || answer.status > 299) && !/"status"\s*:\s*"error"/.test(answer.body)) {
          throw new GantryError(`HTTP ${answer.status}: ${answer.body.slice(0, 120)}`);
        }
        return answer.body;
      }
      const ran = await ports.kubectl.run(request.argv);
      if (ran.status !== 0) throw new GantryError(`Prometheus through the service proxy: ${ran.stderr.trim() || `kubectl exited ${ran.status}`}`);
      return ran.stdout;
    },
  };
}

/** The host's clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
