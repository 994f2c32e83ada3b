import { ArgumentError } from "../../errors.js";
import type { TrafficConfig } from "./types.js";

/** busybox (sh, wget, sleep), pinned by tag; `traffic.image` points at a mirror. */
export const TRAFFIC_IMAGE = "busybox:1.37.0";

/**
 * The load container's command: the same loop the embedded demo runs (GET the URL, one request at
 * a time, at most `rate` a second, failures ignored) until the rollout ends and stops it.
 */
export function trafficCommand(traffic: TrafficConfig): string[] {
  return trafficArgv(traffic.url, traffic.rate);
}

/**
 * Traffic for an analysis: `sh -c` running GET <url> forever with busybox wget, one request at a
 * time, sleeping 1/requestsPerSecond seconds between requests (busybox sleep takes fractions).
 * Failed requests (refused, 5xx) are ignored: the loop never stops on its own; kill it (or stop
 * its container). The rate is an upper bound: each request's own time adds to the interval. The
 * URL is passed as $1, never spliced into the script.
 */
export function trafficArgv(url: string, requestsPerSecond: number): string[] {
  if (!Number.isFinite(requestsPerSecond) || requestsPerSecond <= 0 || requestsPerSecond > 1000) {
    throw new ArgumentError("requestsPerSecond", `${requestsPerSecond} is not a rate between 0 and 1000 requests per second`);
  }
  const interval = Number((1 / requestsPerSecond).toFixed(3)).toString();
  return ["sh", "-c", 'while :; do wget -q -O /dev/null "$1" >/dev/null 2>&1; sleep "$2"; done', "gantry-traffic", url, interval];
}
