/** What became of one delivery to one target (a webhook, a CI surface, Grafana, a Pushgateway). */
export interface Delivery {
  /** "slack", "webhook", "github", "grafana", "pushgateway": never the URL, which may hold a secret. */
  target: string;
  ok: boolean;
  /** HTTP status, or why nothing was delivered (timeout, refused), with the URL's origin at most. */
  detail: string;
}

/** How long one delivery may take: a slow receiver never holds up the end of a rollout (or a rollback). */
export const DELIVERY_TIMEOUT_MS = 5_000;
