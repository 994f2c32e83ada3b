import { DELIVERY_TIMEOUT_MS } from "../core/kube/notify/delivery.js";
import type { Http } from "../core/kube/ports.js";

/**
 * HTTP from the module's own process: Prometheus URLs, smoke checks, and the POSTs of notifications
 * and release marks. The module runtime has fetch, and a POST from here keeps a webhook URL or a
 * token (secrets, resolved by the caller's secret providers) inside this process: nothing lands in
 * a container's argv, environment or the engine's logs, and no image is pulled to send a message
 * at the end of a rollback. Every request has a bounded wait.
 */
export const fetchHttp: Http = {
  async get(url) {
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    return { status: res.status, body: await res.text() };
  },
  async post(url, body, headers) {
    const res = await fetch(url, { method: "POST", body, headers, redirect: "error", signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS) });
    return { status: res.status, body: await res.text() };
  },
};
