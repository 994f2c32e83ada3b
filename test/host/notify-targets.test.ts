// The notification targets' HTTP clients, through the module's own fetch (dagger/http.ts), against a
// RECORDING SIMULATION of GitHub's REST API and of Grafana on loopback: real HTTP servers that record
// each request and answer as the real services document. Neither service is reachable here; the
// generic webhook, Slack-compatible webhook, Grafana and Pushgateway bodies also reach loopback
// receivers during real rollouts in kube-analysis.test.ts and kube-rollout.test.ts.
import { afterEach, describe, expect, it } from "vitest";

import { httpMarker } from "../../core/kube/notify/marks.js";
import type { Notification } from "../../core/kube/notify/notification.js";
import { httpNotifier } from "../../core/kube/notify/targets.js";
import { fetchHttp } from "../../dagger/http.js";
import { startReceiver, type Receiver } from "../support/receiver.js";

const receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.stop()));
});

const message = (event: Notification["event"]): Notification => ({
  event,
  service: "hello-api",
  environment: "staging",
  namespace: "shop",
  revision: "f53cee06e3aea135",
  image: `ghcr.io/acme/hello-api@sha256:${"b".repeat(64)}`,
  verdict: event === "waiting" ? "paused" : event,
  reason: "analysis failed: error rate 20.00% is over the limit 0.01",
  checks: [{ name: "error rate", ok: false, value: 0.2, expected: "<= 0.01", detail: "20.00% is over the limit 0.01" }],
  commands: { status: "dagger call environment --name staging status" },
  title: `hello-api in staging: canary ${event}`,
  text: "…",
  at: Date.UTC(2026, 0, 1),
});

describe("GitHub deployment statuses (recording simulation of the REST API)", () => {
  it("creates a deployment of the commit for the environment, then posts its status", async () => {
    const github = await startReceiver((r) =>
      r.path.endsWith("/deployments") ? { status: 201, body: '{"id":4242,"sha":"abc"}' } : { status: 201, body: '{"id":1,"state":"failure"}' },
    );
    receivers.push(github);
    const target = {
      kind: "github" as const,
      api: `${github.url}/`,
      repository: "acme/hello-api",
      token: "ghs_test",
      ref: "0123456789abcdef0123456789abcdef01234567",
    };
    const deliveries = await httpNotifier(fetchHttp, [target]).notify(message("aborted"));
    expect(deliveries).toEqual([{ target: "github", ok: true, detail: `deployment 4242: failure: HTTP 201 from ${github.url}` }]);
    expect(github.requests.map((r) => [r.method, r.path])).toEqual([
      ["POST", "/repos/acme/hello-api/deployments"],
      ["POST", "/repos/acme/hello-api/deployments/4242/statuses"],
    ]);
    for (const r of github.requests) {
      expect(r.headers).toMatchObject({
        authorization: "Bearer ghs_test",
        accept: "application/vnd.github+json",
        "x-github-api-version": "2022-11-28",
        "user-agent": "gantry",
      });
    }
    expect(JSON.parse(github.requests[0]!.body)).toMatchObject({ ref: target.ref, environment: "staging", auto_merge: false, required_contexts: [] });
    expect(JSON.parse(github.requests[1]!.body)).toEqual({ state: "failure", description: "hello-api in staging: canary aborted", environment: "staging" });
  });

  it("a refused deployment is reported with its status, and no status is posted", async () => {
    const github = await startReceiver(() => ({ status: 403, body: '{"message":"Resource not accessible by integration"}' }));
    receivers.push(github);
    const deliveries = await httpNotifier(fetchHttp, [{ kind: "github", api: github.url, repository: "acme/hello-api", token: "t", ref: "main" }]).notify(
      message("promoted"),
    );
    expect(deliveries).toEqual([{ target: "github", ok: false, detail: `creating the deployment: HTTP 403 from ${github.url}` }]);
    expect(github.requests).toHaveLength(1);
  });
});

describe("Grafana annotations (recording simulation of POST /api/annotations)", () => {
  it("a refused token is a failed delivery naming the status, never the token", async () => {
    const grafana = await startReceiver(() => ({ status: 401, body: '{"message":"invalid API key"}' }));
    receivers.push(grafana);
    const mark = {
      at: Date.UTC(2026, 0, 1),
      service: "hello-api",
      environment: "staging",
      namespace: "shop",
      revision: "r",
      image: "i",
      step: 1,
      weight: 25,
      phase: "progressing" as const,
      verdict: "progressing" as const,
      text: "step 0: weight 25% reached",
    };
    const deliveries = await httpMarker(fetchHttp, [{ kind: "grafana", url: grafana.url, token: "glsa_secret" }]).mark(mark);
    expect(deliveries).toEqual([{ target: "grafana", ok: false, detail: `HTTP 401 from ${grafana.url}` }]);
    expect(JSON.parse(grafana.requests[0]!.body)).toEqual({
      time: mark.at,
      tags: ["gantry", "service:hello-api", "environment:staging", "verdict:progressing"],
      text: "hello-api staging: step 0: weight 25% reached (weight 25%, progressing, revision r)",
    });
  });
});
