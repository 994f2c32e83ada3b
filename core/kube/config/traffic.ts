import { trafficArgv } from "../../embedded/prometheus.js";
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
