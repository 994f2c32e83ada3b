// The deploy stage's notify: settings turned into the rollout's notifier and marker (dagger/notify.ts)
// against the Dagger SIMULATION for the secrets (it answers Secret.plaintext from the test's script),
// and a real loopback HTTP receiver for what is sent.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@dagger.io/dagger", () => import("../support/dagger-simulation.js"));

import type { Notification } from "../../core/kube/notify/notification.js";
import { announcers } from "../../dagger/notify.js";
import { simulation } from "../support/dagger-simulation.js";
import { startReceiver, type Receiver } from "../support/receiver.js";

let receiver: Receiver;
const asked: string[] = [];
beforeEach(async () => {
  receiver = await startReceiver();
  asked.length = 0;
  // The caller's secret providers: env://SLACK_HOOK is the receiver's URL, the tokens are fixed strings.
  simulation.reset((q) => {
    if (q.what !== "Secret.plaintext") return undefined;
    const uri = String(q.on!.call.args[0]);
    asked.push(uri);
    return uri === "env://SLACK_HOOK" ? `${receiver.url}/services/T/B/secret` : `value-of-${uri}`;
  });
});
afterEach(() => receiver.stop());

const message: Notification = {
  event: "promoted",
  service: "hello-api",
  environment: "staging",
  namespace: "shop",
  revision: "r",
  image: "i",
  verdict: "promoted",
  reason: "revision r promoted",
  checks: [],
  commands: { status: "dagger call environment --name staging status" },
  title: "hello-api in staging: canary promoted",
  text: "hello-api in staging: canary promoted\nVerdict: promoted",
  at: 0,
};

describe("notify: settings become the rollout's notifier and marker", () => {
  it("resolves each secret reference through the caller's providers and sends from the module's process", async () => {
    const ports = await announcers(
      {
        slack: "env:SLACK_HOOK",
        github: { token: "op://ops/gh/token", repository: "acme/api" },
        grafana: { url: "https://grafana.example.com", token: "env:GRAFANA_TOKEN" },
      },
      "0123456789abcdef0123456789abcdef01234567",
    );
    expect(asked).toEqual(["env://SLACK_HOOK", "op://ops/gh/token", "env://GRAFANA_TOKEN"]);
    expect(ports.notifier).toBeDefined();
    expect(ports.marker).toBeDefined();
    const slackOnly = await announcers({ slack: "env:SLACK_HOOK" }, undefined);
    const deliveries = await slackOnly.notifier!.notify(message);
    expect(deliveries).toEqual([{ target: "slack", ok: true, detail: `HTTP 200 from ${receiver.url}` }]);
    expect(receiver.requests.map((r) => [r.path, JSON.parse(r.body).text])).toEqual([
      ["/services/T/B/secret", "*hello-api in staging: canary promoted*\nVerdict: promoted"],
    ]);
  });

  it("asks for nothing without settings, and makes no GitHub deployment without a commit", async () => {
    expect(await announcers(undefined, "c")).toEqual({});
    expect(asked).toEqual([]);
    const ports = await announcers({ github: { token: "env:GITHUB_TOKEN", repository: "acme/api" }, pushgateway: "http://pgw:9091" }, undefined);
    expect(asked).toEqual([]);
    expect(ports.notifier).toBeUndefined();
    expect(ports.marker).toBeDefined();
  });
});
