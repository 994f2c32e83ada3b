import type { Http } from "../ports.js";
import { DELIVERY_TIMEOUT_MS, type Delivery } from "./delivery.js";

/**
 * Sends one request with a bounded wait, and says what became of it instead of throwing: a
 * receiver that is down, slow or refusing changes no verdict and blocks no rollback. The URL is
 * never repeated (a Slack webhook's path is its secret); its origin is, to tell targets apart.
 */
/** `body` is sent as JSON, or as given when it is text (set its content-type in `headers`). */
export async function post(
  http: Http,
  target: string,
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Delivery & { body?: string }> {
  if (!http.post) return { target, ok: false, detail: "no HTTP client that can POST was given to the rollout" };
  const origin = URL.canParse(url) ? new URL(url).origin : "an unparsable URL";
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${DELIVERY_TIMEOUT_MS / 1000}s`)), DELIVERY_TIMEOUT_MS);
  });
  try {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    const answer = await Promise.race([http.post(url, text, { "content-type": "application/json", ...headers }), timeout]);
    const ok = answer.status >= 200 && answer.status <= 299;
    return { target, ok, detail: `HTTP ${answer.status} from ${origin}`, body: answer.body };
  } catch (e) {
    const why = e instanceof Error ? e.message.replaceAll(url, origin) : String(e);
    return { target, ok: false, detail: `not delivered to ${origin}: ${why}` };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every delivery; none waits for another's failure, and none throws. */
export async function deliverAll(deliveries: (() => Promise<Delivery | Delivery[]>)[]): Promise<Delivery[]> {
  const settled = await Promise.all(
    deliveries.map((d) => d().catch((e: unknown): Delivery => ({ target: "unknown", ok: false, detail: e instanceof Error ? e.message : String(e) }))),
  );
  return settled.flat().map(({ target, ok, detail }) => ({ target, ok, detail }));
}
