import type { Http, Notifier } from "../ports.js";
import { deliverAll, post } from "./deliver.js";
import type { Delivery } from "./delivery.js";
import type { Notification, NotificationEvent } from "./notification.js";

/**
 * Where a rollout's outcome is announced, with every secret already resolved (the adapter reads
 * the pipeline file's secret references): a Slack-compatible incoming webhook, a generic JSON
 * webhook, and GitHub deployment statuses through the REST API.
 */
export type NotifyTarget =
  { kind: "slack"; url: string } | { kind: "webhook"; url: string } | { kind: "github"; api: string; repository: string; token: string; ref: string };

/** Slack's mrkdwn needs only &, < and > escaped; anything else shows as written. */
function slackText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** An incoming-webhook body Slack, Mattermost and Rocket.Chat all accept: text, with the title in bold. */
export function slackPayload(n: Notification): { text: string } {
  const [title, ...rest] = n.text.split("\n");
  return { text: [`*${slackText(title!)}*`, ...rest.map(slackText)].join("\n") };
}

/** The generic webhook's body: every field, for a receiver to route on (event, environment, service). */
export function webhookPayload(n: Notification): Record<string, unknown> {
  return { schema: "gantry.dev/notification/v1", ...n, checks: n.checks.map((c) => ({ ...c })) };
}

/** GitHub's deployment status for each outcome (queued, in_progress and pending are all "not done"). */
export const GITHUB_STATE: Record<NotificationEvent, "success" | "failure" | "in_progress" | "error"> = {
  promoted: "success",
  aborted: "failure",
  waiting: "in_progress",
  stuck: "error",
};

function githubHeaders(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}`, accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28", "user-agent": "gantry" };
}

/**
 * A deployment of the commit to the environment, then its status: GitHub shows the environment's
 * latest outcome on the repository and the pull request. Two calls, the second only after the first.
 */
async function githubDeploymentStatus(http: Http, t: Extract<NotifyTarget, { kind: "github" }>, n: Notification): Promise<Delivery> {
  const base = `${t.api.replace(/\/+$/, "")}/repos/${t.repository}/deployments`;
  const description = n.title.slice(0, 140);
  const created = await post(
    http,
    "github",
    base,
    { ref: t.ref, environment: n.environment, description, auto_merge: false, required_contexts: [], payload: { revision: n.revision, image: n.image } },
    githubHeaders(t.token),
  );
  if (!created.ok) return { ...created, detail: `creating the deployment: ${created.detail}` };
  const id = (() => {
    try {
      const v = (JSON.parse(created.body ?? "") as { id?: unknown }).id;
      return typeof v === "number" ? v : undefined;
    } catch {
      return undefined;
    }
  })();
  if (id === undefined) return { target: "github", ok: false, detail: "GitHub answered the deployment without an id" };
  const status = await post(
    http,
    "github",
    `${base}/${id}/statuses`,
    { state: GITHUB_STATE[n.event], description, environment: n.environment },
    githubHeaders(t.token),
  );
  return { ...status, detail: `deployment ${id}: ${GITHUB_STATE[n.event]}: ${status.detail}` };
}

/** Sends the notification to every target; the result lists each delivery, failed ones included. */
export function notify(http: Http, targets: NotifyTarget[], n: Notification): Promise<Delivery[]> {
  return deliverAll(
    targets.map((t) => () => {
      switch (t.kind) {
        case "slack":
          return post(http, "slack", t.url, slackPayload(n));
        case "webhook":
          return post(http, "webhook", t.url, webhookPayload(n));
        case "github":
          return githubDeploymentStatus(http, t, n);
      }
    }),
  );
}

/** The Notifier port over HTTP for the given targets. */
export function httpNotifier(http: Http, targets: NotifyTarget[]): Notifier {
  return { notify: (n) => notify(http, targets, n) };
}
