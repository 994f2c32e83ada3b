import { z } from "zod";

import { httpUrl } from "../kube/config/schema.js";
import { SECRET_REFERENCE, SECRET_REFERENCE_HINT } from "./secret-reference.js";

const secretRef = z.string().regex(SECRET_REFERENCE, SECRET_REFERENCE_HINT);

/**
 * Who hears of a deploy stage's rollouts: messages once per outcome (promoted, aborted, waiting at a
 * manual gate, stuck), and each step marked where dashboards show it. Webhook URLs and tokens are
 * secret references, since a webhook's URL is its credential.
 */
export const notifySchema = z
  .strictObject({
    slack: secretRef
      .optional()
      .describe("A Slack-compatible incoming webhook URL (Slack, Mattermost, Rocket.Chat), as a secret reference (env:SLACK_WEBHOOK_URL)."),
    webhook: secretRef.optional().describe("A URL that receives each outcome as JSON (schema gantry.dev/notification/v1), as a secret reference."),
    github: z
      .strictObject({
        token: secretRef.describe(
          "A token allowed to write deployments (the workflow's GITHUB_TOKEN with permissions: deployments: write), as a secret reference.",
        ),
        repository: z
          .string()
          .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "expected owner/name")
          .describe("The repository whose deployments show the outcome, owner/name."),
        api: httpUrl.optional().describe("The REST API's base URL. Default https://api.github.com (GitHub Enterprise: https://HOST/api/v3)."),
      })
      .optional()
      .describe("GitHub deployment statuses: a deployment of the commit to the environment, with the outcome as its status."),
    grafana: z
      .strictObject({
        url: httpUrl.describe("Grafana's base URL, e.g. https://grafana.example.com."),
        token: secretRef.describe("A service account token allowed to write annotations, as a secret reference."),
      })
      .optional()
      .describe("Each rollout step as a Grafana annotation (tags gantry, service:<name>, environment:<name>, verdict:<v>)."),
    pushgateway: httpUrl
      .optional()
      .describe(
        "A Prometheus Pushgateway that receives the gantry_rollout_* metrics at each step. Without grafana or pushgateway the metrics are in the rollout's report.",
      ),
  })
  .describe("Who hears of the rollouts of a deploy stage, and where each step is marked.");

export type NotifySettings = z.output<typeof notifySchema>;
