// The rollout loop's notifications, release marks and history, over the SIMULATION of the cluster
// (test/support/kube-simulation.ts) with recording ports; the same loop announces to real webhook
// receivers on loopback while it walks a real control plane in test/host/kube-analysis.test.ts.
import { describe, expect, it } from "vitest";

import { deliveryMarkdown, deliveryMetrics, humanDuration, median } from "../../../core/kube/delivery-metrics.js";
import { checkLine, notificationFor, type Notification } from "../../../core/kube/notify/notification.js";
import { slackPayload, webhookPayload } from "../../../core/kube/notify/targets.js";
import type { Marker, Metrics, Notifier, Ports } from "../../../core/kube/ports.js";
import { exposition, RELEASE_METRICS, type StepMark } from "../../../core/kube/release-metrics.js";
import { rolloutMarkdown } from "../../../core/kube/report.js";
import { appendHistory, HISTORY_ANNOTATION, HISTORY_LIMIT, readHistory, type HistoryEntry } from "../../../core/kube/rollout/history.js";
import { planRollout } from "../../../core/kube/rollout/plan.js";
import { abort, history, promote, retry, runRollout } from "../../../core/kube/runner.js";
import { ClusterSimulation, FakeClock } from "../../support/kube-simulation.js";
import { hello, IMAGE_A, IMAGE_B, PROMETHEUS } from "./fixtures.js";

const IMAGE_C = `ghcr.io/acme/hello-api@sha256:${"c".repeat(64)}`;
const vector = (value: string) => JSON.stringify({ status: "success", data: { resultType: "vector", result: [{ metric: {}, value: [1700000000, value] }] } });
const metrics = (errorRate: string): Metrics => ({
  query: async (q) => vector(q.includes("histogram_quantile") ? "0.12" : q.includes("increase(") ? "1000" : errorRate),
});

/** A notifier and a marker that record what they are told (no HTTP). */
function recording() {
  const notifications: Notification[] = [];
  const marks: StepMark[] = [];
  const notifier: Notifier = { notify: async (n) => (notifications.push(n), [{ target: "recorder", ok: true, detail: "recorded" }]) };
  const marker: Marker = { mark: async (m) => (marks.push(m), [{ target: "marker", ok: true, detail: "recorded" }]) };
  return { notifications, marks, notifier, marker };
}

function setup(extra: Partial<Ports> = {}) {
  const clock = new FakeClock();
  const cluster = new ClusterSimulation(clock);
  const rec = recording();
  const ports: Ports = { kubectl: cluster, clock, notifier: rec.notifier, marker: rec.marker, ...extra };
  return { clock, cluster, ports, ...rec };
}

const ANALYSED = { replicas: 2, analysis: PROMETHEUS, strategy: { type: "canary", steps: [{ setWeight: 50 }, { analysis: {} }, { setWeight: 100 }] } };
const PAUSED = { replicas: 2, strategy: { type: "canary", steps: [{ setWeight: 50 }, { pause: {} }, { setWeight: 100 }] } };

describe("notifications: one message per outcome (simulation of the cluster)", () => {
  it("an aborted canary sends exactly one message, naming the failed check, its value and the limit", async () => {
    const s = setup({ metrics: metrics("0.2") });
    await runRollout(planRollout(hello(ANALYSED, IMAGE_A)), s.ports);
    s.notifications.length = 0;
    const report = await runRollout(planRollout(hello(ANALYSED, IMAGE_B)), s.ports);
    expect(report.verdict).toBe("aborted");
    expect(s.notifications).toHaveLength(1);
    const n = s.notifications[0]!;
    expect(n).toMatchObject({ event: "aborted", service: "hello-api", environment: "staging", image: IMAGE_B, previousImage: IMAGE_A, verdict: "aborted" });
    expect(n.checks[0]).toMatchObject({ name: "error rate", ok: false, value: 0.2, expected: "<= 0.01" });
    expect(n.text).toContain("FAIL error rate: 20.00% is over the limit 0.01 (limit <= 0.01)");
    expect(n.text).toContain(`Change: ${IMAGE_B} replacing ${IMAGE_A}`);
    expect(n.commands).toEqual({ status: "dagger call environment --name staging status" });
    expect(report.deliveries).toContainEqual({ target: "recorder", ok: true, detail: "recorded" });
    // Re-running the same image finds it aborted: nothing new, nothing sent.
    expect((await runRollout(planRollout(hello(ANALYSED, IMAGE_B)), s.ports)).verdict).toBe("aborted");
    expect(s.notifications).toHaveLength(1);
  });

  it("a promote sends one message; the unchanged re-run sends none", async () => {
    const s = setup({ metrics: metrics("0.001") });
    await runRollout(planRollout(hello(ANALYSED, IMAGE_A)), s.ports);
    const report = await runRollout(planRollout(hello(ANALYSED, IMAGE_B)), s.ports);
    expect(report.verdict).toBe("promoted");
    expect(s.notifications.map((n) => n.event)).toEqual(["promoted", "promoted"]);
    expect(s.notifications[1]!.checks.map((c) => [c.name, c.ok])).toEqual([
      ["error rate", true],
      ["p99 latency", true],
      ["requests", true],
    ]);
    expect((await runRollout(planRollout(hello(ANALYSED, IMAGE_B)), s.ports)).verdict).toBe("unchanged");
    expect(s.notifications).toHaveLength(2);
  });

  it("a manual gate sends one 'waiting' message with the promote and abort commands, and none while it stays paused", async () => {
    const s = setup();
    await runRollout(planRollout(hello(PAUSED, IMAGE_A)), s.ports);
    s.notifications.length = 0;
    const plan = planRollout(hello(PAUSED, IMAGE_B));
    const report = await runRollout(plan, s.ports);
    expect(report.verdict).toBe("paused");
    expect(s.notifications.map((n) => n.event)).toEqual(["waiting"]);
    expect(s.notifications[0]!.commands).toEqual({
      promote: "dagger call environment --name staging promote",
      abort: "dagger call environment --name staging abort",
      status: "dagger call environment --name staging status",
    });
    expect(rolloutMarkdown(report)).toContain("- Promote: `dagger call environment --name staging promote`");
    expect((await runRollout(plan, s.ports)).verdict).toBe("paused");
    expect(s.notifications).toHaveLength(1);
    expect((await promote(plan, s.ports)).verdict).toBe("promoted");
    expect(s.notifications.map((n) => n.event)).toEqual(["waiting", "promoted"]);
  });

  it("a rollout that gives up waiting is announced as stuck, with both commands", async () => {
    const s = setup();
    await runRollout(planRollout(hello(PAUSED, IMAGE_A)), s.ports);
    s.cluster.health = (rev) => (rev === planRollout(hello(PAUSED, IMAGE_B)).revision ? "never-ready" : "ready");
    const report = await runRollout(planRollout(hello({ ...PAUSED, progressDeadline: "1h" }, IMAGE_B)), s.ports, { timeoutMs: 20_000 });
    expect(report.verdict).toBe("error");
    expect(report.stuck).toBe(true);
    expect(s.notifications.at(-1)).toMatchObject({
      event: "stuck",
      commands: { promote: expect.stringContaining("promote"), abort: expect.stringContaining("abort") },
    });
  });

  it("a notifier that fails, rejects or answers 500 changes no verdict, and the report says so", async () => {
    for (const notifier of [
      { notify: () => Promise.reject(new Error("receiver exploded")) },
      { notify: async () => [{ target: "webhook", ok: false, detail: "HTTP 500 from http://127.0.0.1:1" }] },
    ] satisfies Notifier[]) {
      const s = setup({ metrics: metrics("0.2"), notifier });
      await runRollout(planRollout(hello(ANALYSED, IMAGE_A)), s.ports);
      const report = await runRollout(planRollout(hello(ANALYSED, IMAGE_B)), s.ports);
      expect(report.verdict).toBe("aborted");
      expect(report.deliveries!.some((d) => !d.ok)).toBe(true);
      expect(rolloutMarkdown(report)).toMatch(/### Notifications and release marks[\s\S]*(receiver exploded|HTTP 500)/);
    }
  });

  it("payloads: Slack text escapes <, > and &; the JSON webhook carries every field", async () => {
    const s = setup({ metrics: metrics("0.2") });
    await runRollout(planRollout(hello(ANALYSED, IMAGE_A)), s.ports);
    const report = await runRollout(planRollout(hello(ANALYSED, IMAGE_B)), s.ports);
    const n = notificationFor({ ...report, reason: "<!channel> & co" })!;
    expect(slackPayload(n).text).toContain("&lt;!channel&gt; &amp; co");
    expect(slackPayload(n).text.split("\n")[0]).toBe("*hello-api in staging: canary aborted, traffic back on the stable*");
    expect(webhookPayload(n)).toMatchObject({
      schema: "gantry.dev/notification/v1",
      event: "aborted",
      checks: [{ name: "error rate", value: 0.2 }, expect.anything(), expect.anything()],
    });
    expect(checkLine({ name: "requests", ok: false, kind: "inconclusive", expected: ">= 10 requests", detail: "3 requests" })).toBe(
      "- INCONCLUSIVE requests: 3 requests (limit >= 10 requests)",
    );
  });
});

describe("release marks: each step's time, weight and verdict", () => {
  it("marks every step, the measurements with their outcome, and the end; the report keeps the last as exposition", async () => {
    const s = setup({ metrics: metrics("0.001") });
    await runRollout(planRollout(hello(ANALYSED, IMAGE_A)), s.ports);
    s.marks.length = 0;
    const report = await runRollout(planRollout(hello(ANALYSED, IMAGE_B)), s.ports);
    expect(s.marks.map((m) => [m.step, m.weight, m.verdict])).toEqual([
      [0, 0, "progressing"],
      [1, 50, "progressing"],
      [1, 50, "pass"],
      [1, 50, "pass"],
      [2, 50, "progressing"],
      [3, 100, "progressing"],
      [3, 100, "progressing"],
      [3, 0, "promoted"],
    ]);
    expect(s.marks.every((m, i) => i === 0 || m.at >= s.marks[i - 1]!.at)).toBe(true);
    expect(report.exposition).toContain(`${RELEASE_METRICS.stepVerdict.name}{service="hello-api",environment="staging",namespace="shop",verdict="promoted"} 1`);
  });

  it("a marker that never answers holds up neither the rollback nor the verdict beyond its bound", async () => {
    const s = setup({ metrics: metrics("0.2"), marker: { mark: () => Promise.reject(new Error("grafana down")) } });
    await runRollout(planRollout(hello(ANALYSED, IMAGE_A)), s.ports);
    const report = await runRollout(planRollout(hello(ANALYSED, IMAGE_B)), s.ports);
    expect(report.verdict).toBe("aborted");
    expect(report.deliveries!.filter((d) => d.target === "marker").every((d) => !d.ok && /grafana down/.test(d.detail))).toBe(true);
  });

  it("exposition escapes label values", () => {
    const mark: StepMark = {
      at: 1_700_000_000_123,
      service: "s",
      environment: "e",
      namespace: "n",
      revision: "r",
      image: 'a"b\\c\nd',
      step: 1,
      weight: 25,
      phase: "progressing",
      verdict: "pass",
      text: "",
    };
    expect(exposition(mark)).toContain('gantry_rollout_info{service="s",environment="e",namespace="n",revision="r",image="a\\"b\\\\c\\nd"} 1');
    expect(exposition(mark)).toContain('gantry_rollout_step_timestamp_seconds{service="s",environment="e",namespace="n"} 1700000000.123');
  });
});

describe("the rollout history kept on the Service", () => {
  it("records each finished rollout once, with its commit time, and survives a retry", async () => {
    const s = setup({ metrics: metrics("0.2") });
    const committedAt = Date.UTC(2025, 11, 31, 23);
    await runRollout(planRollout(hello(ANALYSED, IMAGE_A), { commitTime: committedAt }), s.ports);
    s.clock.advance(60_000);
    const b = planRollout(hello(ANALYSED, IMAGE_B));
    await runRollout(b, s.ports);
    await runRollout(b, s.ports); // finds it aborted: not counted twice
    const h = await history(b, s.ports);
    expect(h.map((e) => [e.image, e.outcome])).toEqual([
      [IMAGE_A, "promoted"],
      [IMAGE_B, "aborted"],
    ]);
    expect(h[0]!.committedAt).toBe(committedAt);
    expect(h[1]!.reason).toMatch(/analysis failed: error rate 20\.00%/);
    expect(h[1]!.finishedAt).toBeGreaterThan(h[1]!.startedAt);
    s.ports.metrics = metrics("0.001");
    expect((await retry(b, s.ports)).verdict).toBe("promoted");
    expect((await history(b, s.ports)).map((e) => e.outcome)).toEqual(["promoted", "aborted", "promoted"]);
  });

  it("an abort by hand and a superseded rollout are entries too", async () => {
    const s = setup();
    await runRollout(planRollout(hello(PAUSED, IMAGE_A)), s.ports);
    const b = planRollout(hello(PAUSED, IMAGE_B));
    await runRollout(b, s.ports);
    await runRollout(planRollout(hello(PAUSED, IMAGE_C)), s.ports); // supersedes B, pauses C
    await abort(planRollout(hello(PAUSED, IMAGE_C)), s.ports, "not today");
    expect((await history(b, s.ports)).map((e) => [e.image, e.outcome, e.reason])).toEqual([
      [IMAGE_A, "promoted", undefined],
      [IMAGE_B, "aborted", `superseded by revision ${planRollout(hello(PAUSED, IMAGE_C)).revision}`],
      [IMAGE_C, "aborted", "not today"],
    ]);
  });

  it("is bounded, and a damaged one is an error naming the annotation", () => {
    const entry = (i: number): HistoryEntry => ({ revision: `r${i}`, image: "i", outcome: "promoted", startedAt: i, finishedAt: i + 1 });
    let value = "[]";
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) value = appendHistory(readHistory({ [HISTORY_ANNOTATION]: value }, "x"), entry(i));
    const kept = readHistory({ [HISTORY_ANNOTATION]: value }, "x");
    expect(kept).toHaveLength(HISTORY_LIMIT);
    expect(kept[0]!.revision).toBe("r5");
    expect(() => readHistory({ [HISTORY_ANNOTATION]: '[{"revision":"r","outcome":"promoted"}]' }, "service/hello-api")).toThrow(
      /service\/hello-api: annotation gantry.dev\/rollout-history: entry 0: image is not text/,
    );
    expect(() => readHistory({ [HISTORY_ANNOTATION]: "{" }, "s")).toThrow(/not JSON/);
  });
});

describe("delivery metrics", () => {
  const H = 3_600_000;
  const D = 24 * H;
  const now = Date.UTC(2026, 0, 11);
  const entries: HistoryEntry[] = [
    { revision: "a", image: "i", outcome: "promoted", startedAt: now - 10 * D, finishedAt: now - 10 * D + H, committedAt: now - 10 * D - 2 * H },
    { revision: "b", image: "i", outcome: "aborted", startedAt: now - 5 * D, finishedAt: now - 5 * D + 600_000 },
    { revision: "c", image: "i", outcome: "promoted", startedAt: now - 2 * D, finishedAt: now - 2 * D + H, committedAt: now - 2 * D - 4 * H },
    { revision: "d", image: "i", outcome: "promoted", startedAt: now - D, finishedAt: now - D + H },
  ];

  it("computes frequency, lead time, change failure rate and time to restore", () => {
    const m = deliveryMetrics(entries, { service: "hello-api", environment: "staging", now });
    expect(m).toMatchObject({
      rollouts: 4,
      promoted: 3,
      aborted: 1,
      changeFailureRate: 0.25,
      leadTime: { medianMs: 4 * H, measured: 2 },
      timeToRestore: { medianMs: 600_000, measured: 1 },
    });
    expect(m.deploymentsPerDay).toBeCloseTo(3 / 10);
    const md = deliveryMarkdown(m);
    expect(md).toContain("| Deployment frequency | 0.30 per day | 3 promoted rollout(s) over 10 day(s) |");
    expect(md).toContain("| Lead time for changes | 4h |");
    expect(md).toContain("| Change failure rate | 25.0% | 1 aborted of 4 rollout(s) |");
    expect(md).toContain("| Time to restore | 10m |");
  });

  it("a window counts only what finished in it; nothing at all says so", () => {
    const m = deliveryMetrics(entries, { service: "s", environment: "e", now, windowDays: 3 });
    expect([m.rollouts, m.promoted, m.aborted, m.changeFailureRate]).toEqual([2, 2, 0, 0]);
    const none = deliveryMetrics([], { service: "s", environment: "e", now });
    expect(none.changeFailureRate).toBeUndefined();
    expect(deliveryMarkdown(none)).toMatch(/not measured[\s\S]*no rollout[\s\S]*no failure/);
    expect([median([3, 1, 2]), median([1, 2, 3, 4]), median([])]).toEqual([2, 2.5, undefined]);
    expect([humanDuration(0), humanDuration(90_000), humanDuration(3 * D + 4 * H + 5000)]).toEqual(["0s", "1m 30s", "3d 4h"]);
  });
});
