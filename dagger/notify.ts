import { dag } from "@dagger.io/dagger";

import { httpMarker, type MarkTarget } from "../core/kube/notify/marks.js";
import { httpNotifier, type NotifyTarget } from "../core/kube/notify/targets.js";
import type { Ports } from "../core/kube/ports.js";
import type { NotifySettings } from "../core/pipeline/notify-settings.js";
import { secretUri } from "../core/pipeline/secret-reference.js";
import { fetchHttp } from "./http.js";

const GITHUB_API = "https://api.github.com";

/** The secret's value, read in this process only: it goes into a request, never into a container or a log. */
function reveal(reference: string): Promise<string> {
  return dag.secret(secretUri(reference)).plaintext();
}

/**
 * The notifier and the marker of a deploy stage's `notify:` settings, their secret references
 * resolved by the caller's secret providers. The POSTs go from the module's own process
 * (dagger/http.ts explains why). `commit` is the ref a GitHub deployment is made for.
 */
export async function announcers(settings: NotifySettings | undefined, commit: string | undefined): Promise<Pick<Ports, "notifier" | "marker">> {
  if (!settings) return {};
  const notify: NotifyTarget[] = [];
  if (settings.slack) notify.push({ kind: "slack", url: await reveal(settings.slack) });
  if (settings.webhook) notify.push({ kind: "webhook", url: await reveal(settings.webhook) });
  if (settings.github && commit)
    notify.push({
      kind: "github",
      api: settings.github.api ?? GITHUB_API,
      repository: settings.github.repository,
      token: await reveal(settings.github.token),
      ref: commit,
    });
  const marks: MarkTarget[] = [];
  if (settings.grafana) marks.push({ kind: "grafana", url: settings.grafana.url, token: await reveal(settings.grafana.token) });
  if (settings.pushgateway) marks.push({ kind: "pushgateway", url: settings.pushgateway });
  return { ...(notify.length > 0 ? { notifier: httpNotifier(fetchHttp, notify) } : {}), ...(marks.length > 0 ? { marker: httpMarker(fetchHttp, marks) } : {}) };
}
