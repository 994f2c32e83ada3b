import type { PrometheusAddress } from "../config/types.js";
import { serviceProxyArgv } from "../kubectl.js";

/** The path and query string of an instant query; at a past moment (Unix seconds) when `at` is given. */
export function instantQueryPath(promql: string, at?: number): string {
  return `/api/v1/query?query=${encodeURIComponent(promql)}${at === undefined ? "" : `&time=${at}`}`;
}

/**
 * How to send an instant query: a URL for an HTTP client, or the argv of `kubectl get --raw` through
 * the API server's service proxy (for a Prometheus inside the cluster, with no port-forward).
 */
export function prometheusRequest(address: PrometheusAddress, promql: string, at?: number): { url: string } | { argv: string[] } {
  if ("url" in address) return { url: address.url + instantQueryPath(promql, at) };
  const s = address.service;
  return { argv: serviceProxyArgv(s.namespace, s.name, s.port, instantQueryPath(promql, at)) };
}
