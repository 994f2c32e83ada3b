import { describe, expect, it } from "vitest";
import { configMapName } from "../../../core/kube/manifests/config-map.js";
import { revisionOf } from "../../../core/kube/manifests/deployment.js";
import type { Metrics, Ports } from "../../../core/kube/ports.js";
import { rolloutMarkdown, weightsOf } from "../../../core/kube/report.js";
import { planRollout } from "../../../core/kube/rollout/plan.js";
import { abort, promote, retry, runRollout, status } from "../../../core/kube/runner.js";
import { ClusterSimulation, FakeClock } from "../../support/kube-simulation.js";
import { hello, IMAGE_A, IMAGE_B, PROMETHEUS } from "./fixtures.js";

const IMAGE_C = `ghcr.io/acme/hello-api@sha256:${"c".repeat(64)}`;

function vector(value: string): string {
  return JSON.stringify({ status: "success", data: { resultType: "vector", result: [{ metric: {}, value: [1700000000, value] }] } });
}

/** Metrics answering each query by its kind (error rate, p99 or requests in the window), recording the PromQL. */
function metrics(errorRate: () => string, p99: () => string, seen: string[] = [], requests: () => string = () => vector("1000")): Metrics {
  return {
    async query(promql) {
      seen.push(promql);
      return promql.includes("histogram_quantile") ? p99() : promql.includes("increase(") ? requests() : errorRate();
    },
  };
}

function setup(extra: Partial<Ports> = {}) {
  const clock = new FakeClock();
  const cluster = new ClusterSimulation(clock);
  const ports: Ports = { kubectl: cluster, clock, ...extra };
  return { clock, cluster, ports };
}

const get = (c: ClusterSimulation, ref: string) => c.objects.get(ref) as Record<string, any> | undefined;
const revisionIn = (c: ClusterSimulation, name: string) => get(c, `deployment/${name}`)?.spec.template.metadata.annotations["gantry.dev/revision"];

const CANARY = { replicas: 4, strategy: { type: "canary", steps: [{ setWeight: 25 }, { pause: { duration: "10s" } }, { setWeight: 75 }, { setWeight: 100 }] } };

describe("canary with the replica router (simulation)", () => {
  it("a first deploy goes straight to a stable Deployment; the next image is walked through every weight and promoted", async () => {
    const { cluster, ports } = setup();
    const first = await runRollout(planRollout(hello(CANARY, IMAGE_A)), ports);
    expect(first.verdict).toBe("promoted");
    expect(get(cluster, "deployment/hello-api")!.spec.replicas).toBe(4);

    const plan = planRollout(hello(CANARY, IMAGE_B));
    const seenCanaryReplicas: number[] = [];
    const report = await runRollout(plan, ports, {
      onAction: (a) =>
        a.kind === "apply" &&
        a.objects.some((o) => o.metadata.name === "hello-api-canary" && o.kind === "Deployment") &&
        seenCanaryReplicas.push((a.objects[0] as any).spec.replicas),
    });
    expect(report.verdict).toBe("promoted");
    expect(seenCanaryReplicas).toEqual([1, 3, 4]);
    // Stable scaled so the sum stays 4: 3 at 25%, 1 at 75%, 0 at 100%; then promoted.
    expect(report.actions.filter((a) => a.kind === "scale").map((a) => a.reason)).toEqual([
      "stable: 3 pod(s) at 25%",
      "stable: 1 pod(s) at 75%",
      "stable: 0 pod(s) at 100%",
    ]);
    expect(revisionIn(cluster, "hello-api")).toBe(plan.revision);
    expect(get(cluster, "deployment/hello-api")!.spec.replicas).toBe(4);
    expect(get(cluster, "deployment/hello-api-canary")).toBeUndefined();
    expect(get(cluster, "service/hello-api-canary")).toBeUndefined();
    expect((await status(plan, ports)).state?.phase).toBe("completed");
  });

  it("status after a kill between moving the traffic and recording it reports the weight traffic is at", async () => {
    const { ports } = setup();
    await runRollout(planRollout(hello(CANARY, IMAGE_A)), ports);
    const plan = planRollout(hello(CANARY, IMAGE_B));
    const cut = await runRollout(plan, ports, { maxActions: 3 });
    expect(cut.verdict).toBe("interrupted");
    expect(cut.actions.at(-1)).toMatchObject({ kind: "scale", reason: "stable: 3 pod(s) at 25%" });
    const now = await status(plan, ports);
    expect(now.state?.weight).toBe(0);
    expect(now.trafficWeight).toBe(25);
    expect(now.summary).toMatch(/weight 25% \(the state records 0%/);
    expect((await runRollout(plan, ports)).verdict).toBe("promoted");
    const after = await status(plan, ports);
    expect([after.trafficWeight, after.state?.weight]).toEqual([0, 0]);
    expect(after.summary).not.toMatch(/records/);
  });

  it("deploying the digest that already runs changes nothing: no apply, no new ReplicaSet", async () => {
    const { cluster, ports } = setup();
    await runRollout(planRollout(hello(CANARY, IMAGE_A)), ports);
    const before = cluster.replicaSets("hello-api");
    cluster.calls.length = 0;
    const again = await runRollout(planRollout(hello(CANARY, IMAGE_A)), ports);
    expect(again.verdict).toBe("unchanged");
    expect(cluster.calls.map((c) => c[1])).toEqual(["get"]);
    expect(cluster.replicaSets("hello-api")).toBe(before);
  });

  for (const health of ["never-ready", "crashloop"] as const) {
    it(`a ${health} canary is aborted: stable back to 100% of the pods, canary removed`, async () => {
      const { cluster, ports } = setup();
      await runRollout(planRollout(hello({ ...CANARY, progressDeadline: "60s" }, IMAGE_A)), ports);
      const stable = revisionIn(cluster, "hello-api");
      const plan = planRollout(hello({ ...CANARY, progressDeadline: "60s" }, IMAGE_B));
      cluster.health = (r) => (r === plan.revision ? health : "ready");
      const report = await runRollout(plan, ports);
      expect(report.verdict).toBe("aborted");
      expect(report.reason).toMatch(health === "crashloop" ? /crash loop/ : /canary not ready: 0\/1/);
      expect(revisionIn(cluster, "hello-api")).toBe(stable);
      expect(get(cluster, "deployment/hello-api")!.spec.replicas).toBe(4);
      expect(get(cluster, "deployment/hello-api-canary")).toBeUndefined();
      expect(get(cluster, "service/hello-api-canary")).toBeUndefined();
      // Re-running the same aborted revision does not retry it by itself...
      expect((await runRollout(plan, ports)).verdict).toBe("aborted");
      // ...retry does, once the canary is healthy.
      cluster.health = () => "ready";
      expect((await retry(plan, ports)).verdict).toBe("promoted");
    });
  }

  it("killed after any number of actions, a re-run always ends promoted with no canary left", async () => {
    for (let n = 0; ; n++) {
      const { cluster, ports } = setup();
      await runRollout(planRollout(hello(CANARY, IMAGE_A)), ports);
      const plan = planRollout(hello(CANARY, IMAGE_B));
      const first = await runRollout(plan, ports, { maxActions: n });
      const second = await runRollout(plan, ports);
      expect(second.verdict).toBe(first.verdict === "interrupted" ? "promoted" : "unchanged");
      expect(revisionIn(cluster, "hello-api")).toBe(plan.revision);
      expect(get(cluster, "deployment/hello-api")!.spec.replicas).toBe(4);
      expect(get(cluster, "deployment/hello-api-canary")).toBeUndefined();
      expect(get(cluster, "service/hello-api-canary")).toBeUndefined();
      if (first.verdict !== "interrupted") break;
    }
  });

  it("killed during an abort, a re-run finishes the abort", async () => {
    for (let n = 0; n < 30; n++) {
      const { cluster, ports } = setup();
      await runRollout(planRollout(hello(CANARY, IMAGE_A)), ports);
      const plan = planRollout(hello({ ...CANARY, progressDeadline: "30s" }, IMAGE_B));
      cluster.health = (r) => (r === plan.revision ? "never-ready" : "ready");
      const first = await runRollout(plan, ports, { maxActions: n });
      const second = await runRollout(plan, ports);
      expect(second.verdict).toBe("aborted");
      expect(get(cluster, "deployment/hello-api")!.spec.replicas).toBe(4);
      expect(get(cluster, "deployment/hello-api-canary")).toBeUndefined();
      expect(get(cluster, "service/hello-api-canary")).toBeUndefined();
      if (first.verdict !== "interrupted") break;
    }
  });

  it("pauses at an indefinite pause until promoted by hand; abort by hand sends everything back", async () => {
    const gated = { replicas: 4, strategy: { type: "canary", steps: [{ setWeight: 25 }, { pause: {} }, { setWeight: 100 }] } };
    const { cluster, ports } = setup();
    await runRollout(planRollout(hello(gated, IMAGE_A)), ports);
    const planB = planRollout(hello(gated, IMAGE_B));
    expect((await runRollout(planB, ports)).verdict).toBe("paused");
    expect((await runRollout(planB, ports)).verdict).toBe("paused");
    expect(get(cluster, "deployment/hello-api-canary")!.spec.replicas).toBe(1);
    expect((await promote(planB, ports)).verdict).toBe("promoted");
    expect(revisionIn(cluster, "hello-api")).toBe(planB.revision);

    const planC = planRollout(hello(gated, IMAGE_C));
    expect((await runRollout(planC, ports)).verdict).toBe("paused");
    const aborted = await abort(planC, ports);
    expect(aborted.verdict).toBe("aborted");
    expect(aborted.reason).toMatch(/aborted by hand/);
    expect(revisionIn(cluster, "hello-api")).toBe(planB.revision);
    expect(get(cluster, "deployment/hello-api")!.spec.replicas).toBe(4);
    expect(get(cluster, "deployment/hello-api-canary")).toBeUndefined();
    expect(get(cluster, "service/hello-api-canary")).toBeUndefined();
  });

  it("a new image while a canary is paused aborts that canary first, then rolls out the new one", async () => {
    const gated = { replicas: 2, strategy: { type: "canary", steps: [{ setWeight: 50 }, { pause: {} }, { setWeight: 100 }] } };
    const { cluster, ports } = setup();
    await runRollout(planRollout(hello(gated, IMAGE_A)), ports);
    expect((await runRollout(planRollout(hello(gated, IMAGE_B)), ports)).verdict).toBe("paused");
    const planC = planRollout(hello(gated, IMAGE_C));
    const report = await runRollout(planC, ports);
    expect(report.verdict).toBe("paused");
    expect(report.actions[0]!.reason).toMatch(/superseded/);
    expect(revisionIn(cluster, "hello-api-canary")).toBe(planC.revision);
  });
});

describe("canary analysis (simulation of Prometheus answers)", () => {
  const analysed = { replicas: 2, analysis: PROMETHEUS, strategy: { type: "canary", steps: [{ setWeight: 50 }, { analysis: {} }, { setWeight: 100 }] } };

  async function analyse(m: Metrics | undefined) {
    const { cluster, ports } = setup(m ? { metrics: m } : {});
    await runRollout(planRollout(hello(analysed, IMAGE_A)), ports);
    const report = await runRollout(planRollout(hello(analysed, IMAGE_B)), ports);
    return { report, cluster };
  }

  it("a healthy canary passes count measurements and is promoted; queries select the canary track", async () => {
    const seen: string[] = [];
    const { report } = await analyse(
      metrics(
        () => vector("0.002"),
        () => vector("0.120"),
        seen,
      ),
    );
    expect(report.verdict).toBe("promoted");
    expect(report.measurements).toHaveLength(2);
    expect(report.measurements.every((m) => m.ok)).toBe(true);
    expect(seen.every((q) => q.includes('track="canary"') && q.includes('namespace="shop"') && q.includes('service="hello-api"'))).toBe(true);
  });

  const failing: [string, Metrics | undefined, RegExp][] = [
    [
      "an error rate over 1%",
      metrics(
        () => vector("0.05"),
        () => vector("0.1"),
      ),
      /error rate 5.00% is over the limit/,
    ],
    [
      "a p99 over 1s",
      metrics(
        () => vector("0"),
        () => vector("2.5"),
      ),
      /p99 latency 2500ms is over the limit/,
    ],
    [
      "NaN (no traffic)",
      metrics(
        () => vector("NaN"),
        () => vector("NaN"),
      ),
      /NaN is not a measurement/,
    ],
    [
      "an empty result",
      metrics(
        () => JSON.stringify({ status: "success", data: { resultType: "vector", result: [] } }),
        () => vector("0.1"),
      ),
      /no data/,
    ],
    [
      "a Prometheus error",
      metrics(
        () => JSON.stringify({ status: "error", errorType: "bad_data", error: "parse error" }),
        () => vector("0.1"),
      ),
      /bad_data/,
    ],
    ["an unreachable Prometheus", { query: () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:9")) }, /unreachable: connect ECONNREFUSED/],
    ["no Prometheus client at all", undefined, /no Prometheus client/],
  ];
  for (const [what, m, reason] of failing) {
    it(`${what} fails the analysis and aborts`, async () => {
      const { report, cluster } = await analyse(m);
      expect(report.verdict).toBe("aborted");
      expect(report.reason).toMatch(reason);
      expect(report.measurements.at(-1)!.ok).toBe(false);
      expect(get(cluster, "deployment/hello-api-canary")).toBeUndefined();
      expect(get(cluster, "service/hello-api-canary")).toBeUndefined();
      expect(get(cluster, "deployment/hello-api")!.spec.replicas).toBe(2);
    });
  }

  /** Answers in turn (the last one repeats). */
  const inTurn = (...answers: string[]) => {
    let i = 0;
    return () => answers[Math.min(i++, answers.length - 1)]!;
  };

  it("too few requests make a measurement inconclusive, not failed: one 500 among three requests decides nothing", async () => {
    const { report } = await analyse(metrics(inTurn(vector("0.33"), vector("0")), () => vector("0.1"), [], inTurn(vector("3"), vector("500"))));
    expect(report.verdict, report.reason).toBe("promoted");
    expect(report.measurements.map((m) => m.outcome)).toEqual(["inconclusive", "pass", "pass"]);
    expect(report.measurements[0]!.checks.find((c) => c.name === "error rate")).toMatchObject({
      ok: false,
      kind: "inconclusive",
      detail: expect.stringMatching(/too few requests to decide/),
    });
    expect(report.measurements[0]!.checks.find((c) => c.name === "requests")).toMatchObject({
      ok: false,
      kind: "inconclusive",
      value: 3,
      expected: ">= 10 requests",
    });
  });

  it("a canary that stays inconclusive past inconclusiveLimit (3) rolls back, and the report says it was inconclusive", async () => {
    const { report, cluster } = await analyse(
      metrics(
        () => vector("0"),
        () => vector("0.1"),
        [],
        () => vector("2"),
      ),
    );
    expect(report.verdict).toBe("aborted");
    expect(report.reason).toMatch(/analysis inconclusive: 4 measurement\(s\) without enough requests, over the limit 3/);
    expect(report.measurements.map((m) => m.outcome)).toEqual(["inconclusive", "inconclusive", "inconclusive", "inconclusive"]);
    expect(get(cluster, "deployment/hello-api-canary")).toBeUndefined();
  });

  it("a real failure still decides at once when there are enough requests", async () => {
    const { report } = await analyse(
      metrics(
        () => vector("0.5"),
        () => vector("0.1"),
        [],
        () => vector("40"),
      ),
    );
    expect(report.verdict).toBe("aborted");
    expect(report.measurements.map((m) => m.outcome)).toEqual(["fail"]);
    expect(report.reason).toMatch(/^revision \w+ aborted: analysis failed: error rate 50\.00% is over the limit/);
  });

  it("no requests series at all (nothing scraped) is no data: a failure", async () => {
    const { report } = await analyse(
      metrics(
        () => vector("0"),
        () => vector("0.1"),
        [],
        () => JSON.stringify({ status: "success", data: { resultType: "vector", result: [] } }),
      ),
    );
    expect(report.verdict).toBe("aborted");
    expect(report.reason).toMatch(/analysis failed: requests no data/);
  });

  it("provider errors count toward their own limit in a row: four are tolerated and reset by an answer", async () => {
    const flaky = inTurn("<html>502</html>", "<html>502</html>", "<html>502</html>", "<html>502</html>", vector("0"));
    const { report } = await analyse({
      query: async (q) => (q.includes("histogram_quantile") ? vector("0.1") : q.includes("increase(") ? vector("100") : flaky()),
    });
    expect(report.verdict, report.reason).toBe("promoted");
    expect(report.measurements.map((m) => m.outcome)).toEqual(["error", "error", "error", "error", "pass", "pass"]);
  });

  it("a Prometheus that stays unreachable past consecutiveErrorLimit (4) rolls back, and the report says it could not measure", async () => {
    const { report } = await analyse({ query: () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:9")) });
    expect(report.verdict).toBe("aborted");
    expect(report.reason).toMatch(/analysis could not measure: 5 provider error\(s\) in a row, over the limit 4: error rate Prometheus unreachable/);
    expect(report.measurements).toHaveLength(5);
  });

  it("the report renders as Markdown with outside text HTML-escaped", async () => {
    const { report } = await analyse(
      metrics(
        () => JSON.stringify({ status: "error", errorType: "bad_data", error: "<script>x</script>" }),
        () => vector("0.1"),
      ),
    );
    const md = rolloutMarkdown(report);
    expect(md).toContain("## Rollout of hello-api to staging");
    expect(md).toContain("**aborted**");
    expect(md).toContain("&lt;script&gt;x&lt;/script&gt;");
    expect(md).not.toContain("<script>");
    expect(md).toContain("| When | Step | Track | Check | Measured | Limit | Pass |");
  });

  it("the report ends with the Deployments afterwards and, demoted, what ran before it in the same call", async () => {
    const { report } = await analyse(
      metrics(
        () => vector("0"),
        () => vector("0.1"),
      ),
    );
    const md = rolloutMarkdown({
      ...report,
      workloads: ["deployment/hello-api image=x ready=2/2"],
      earlier: ["## Rollout of hello-api to staging\n\n### Steps"],
    });
    expect(md).toContain("### Afterwards\n\n- `deployment/hello-api image=x ready=2/2`");
    expect(md).toContain("### Before: Rollout of hello-api to staging\n\n### Steps");
    expect(md.indexOf("### Afterwards")).toBeLessThan(md.indexOf("### Before: "));
  });
});

describe("traffic routers (simulation)", () => {
  it("nginx: the canary Ingress carries the weights, and is removed on promotion", async () => {
    const raw = {
      replicas: 2,
      ingress: { host: "api.example.com", className: "nginx" },
      strategy: { type: "canary", trafficRouter: "nginx", steps: [{ setWeight: 10 }, { setWeight: 60 }, { setWeight: 100 }] },
    };
    const { cluster, ports } = setup();
    await runRollout(planRollout(hello(raw, IMAGE_A)), ports);
    const report = await runRollout(planRollout(hello(raw, IMAGE_B)), ports);
    expect(report.verdict).toBe("promoted");
    expect(weightsOf(report)).toEqual([10, 60, 100, 0]);
    expect(get(cluster, "ingress/hello-api-canary")).toBeUndefined();
    expect(get(cluster, "deployment/hello-api")!.spec.replicas).toBe(2);
  });

  it("Gateway API: the HTTPRoute's backend weights follow the steps and end at 100/0", async () => {
    const raw = {
      replicas: 2,
      strategy: { type: "canary", trafficRouter: { type: "gatewayApi", gateway: "public" }, steps: [{ setWeight: 20 }, { setWeight: 100 }] },
    };
    const { cluster, ports } = setup();
    await runRollout(planRollout(hello(raw, IMAGE_A)), ports);
    const report = await runRollout(planRollout(hello(raw, IMAGE_B)), ports);
    expect(report.verdict).toBe("promoted");
    expect(weightsOf(report)).toEqual([20, 100, 0]);
    expect(get(cluster, "httproute/hello-api")!.spec.rules[0].backendRefs.map((b: { weight: number }) => b.weight)).toEqual([100, 0]);
  });
});

describe("blue-green (simulation)", () => {
  const raw = { replicas: 2, strategy: { type: "blueGreen", scaleDownDelay: "30s" } };

  it("brings up the other colour, switches the Service, keeps the old colour for the delay, then scales it down", async () => {
    const { cluster, clock, ports } = setup();
    expect((await runRollout(planRollout(hello(raw, IMAGE_A)), ports)).verdict).toBe("promoted");
    expect(get(cluster, "service/hello-api")!.spec.selector["gantry.dev/track"]).toBe("blue");
    const started = clock.now();
    const report = await runRollout(planRollout(hello(raw, IMAGE_B)), ports);
    expect(report.verdict).toBe("promoted");
    expect(get(cluster, "service/hello-api")!.spec.selector["gantry.dev/track"]).toBe("green");
    expect(get(cluster, "deployment/hello-api-blue")!.spec.replicas).toBe(0);
    expect(clock.now() - started).toBeGreaterThanOrEqual(30_000);
  });

  it("with an HPA, the new colour comes up at full size and the HPA follows the switch", async () => {
    const withHpa = { ...raw, hpa: { minReplicas: 2, maxReplicas: 4 } };
    const { cluster, ports } = setup();
    expect((await runRollout(planRollout(hello(withHpa, IMAGE_A)), ports)).verdict).toBe("promoted");
    expect((await runRollout(planRollout(hello(withHpa, IMAGE_B)), ports)).verdict).toBe("promoted");
    expect(get(cluster, "deployment/hello-api-green")!.spec.replicas).toBe(2);
    expect(get(cluster, "horizontalpodautoscaler/hello-api")!.spec.scaleTargetRef.name).toBe("hello-api-green");
  });

  it("a never-ready new colour is aborted before the switch: the Service stays on the old colour", async () => {
    const { cluster, ports } = setup();
    await runRollout(planRollout(hello({ ...raw, progressDeadline: "20s" }, IMAGE_A)), ports);
    const plan = planRollout(hello({ ...raw, progressDeadline: "20s" }, IMAGE_B));
    cluster.health = (r) => (r === plan.revision ? "never-ready" : "ready");
    const report = await runRollout(plan, ports);
    expect(report.verdict).toBe("aborted");
    expect(get(cluster, "service/hello-api")!.spec.selector["gantry.dev/track"]).toBe("blue");
    expect(get(cluster, "deployment/hello-api-green")!.spec.replicas).toBe(0);
    expect(get(cluster, "deployment/hello-api-blue")!.spec.replicas).toBe(2);
  });

  it("an abort during the scale-down delay switches straight back to the old colour", async () => {
    // How many actions up to the switch: count them on a twin cluster.
    const twin = setup();
    await runRollout(planRollout(hello(raw, IMAGE_A)), twin.ports);
    const reasons: string[] = [];
    await runRollout(planRollout(hello(raw, IMAGE_B)), twin.ports, { onAction: (a) => reasons.push(a.reason) });
    const untilSwitch = reasons.findIndex((r) => r.startsWith("switch the Service")) + 1;
    expect(untilSwitch).toBeGreaterThan(0);

    const { cluster, ports } = setup();
    await runRollout(planRollout(hello(raw, IMAGE_A)), ports);
    const plan = planRollout(hello(raw, IMAGE_B));
    // Stop right after the switch, while the old colour is kept, as if the process died there.
    expect((await runRollout(plan, ports, { maxActions: untilSwitch })).verdict).toBe("interrupted");
    expect(get(cluster, "service/hello-api")!.spec.selector["gantry.dev/track"]).toBe("green");
    expect(get(cluster, "deployment/hello-api-blue")!.spec.replicas).toBe(2);
    expect((await abort(plan, ports)).verdict).toBe("aborted");
    expect(get(cluster, "service/hello-api")!.spec.selector["gantry.dev/track"]).toBe("blue");
    expect(get(cluster, "deployment/hello-api-green")!.spec.replicas).toBe(0);
  });
});

describe("blue-green checks before the switch (simulation)", () => {
  const withAnalysis = {
    replicas: 2,
    analysis: { ...PROMETHEUS, count: 1 },
    strategy: { type: "blueGreen", scaleDownDelay: "0s", prePromotionAnalysis: true },
  };

  it("a failed last measurement aborts (failures are counted before passes) and the Service stays", async () => {
    const { cluster, ports } = setup({
      metrics: metrics(
        () => vector("0.5"),
        () => vector("0.1"),
      ),
    });
    await runRollout(planRollout(hello(withAnalysis, IMAGE_A)), ports);
    const report = await runRollout(planRollout(hello(withAnalysis, IMAGE_B)), ports);
    expect(report.verdict).toBe("aborted");
    expect(report.measurements).toHaveLength(1);
    expect(report.measurements[0]!.track).toBe("green");
    expect(get(cluster, "service/hello-api")!.spec.selector["gantry.dev/track"]).toBe("blue");
  });

  it("passes on good measurements of the new colour and switches", async () => {
    const seen: string[] = [];
    const { cluster, ports } = setup({
      metrics: metrics(
        () => vector("0"),
        () => vector("0.05"),
        seen,
      ),
    });
    await runRollout(planRollout(hello(withAnalysis, IMAGE_A)), ports);
    expect(seen.every((q) => q.includes('track="blue"'))).toBe(true); // a first deploy is checked too
    seen.length = 0;
    expect((await runRollout(planRollout(hello(withAnalysis, IMAGE_B)), ports)).verdict).toBe("promoted");
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((q) => q.includes('track="green"'))).toBe(true);
    expect(get(cluster, "service/hello-api")!.spec.selector["gantry.dev/track"]).toBe("green");
  });

  it("smoke checks alone run once, without queries; a failing one aborts", async () => {
    const raw = { replicas: 2, smoke: [{ url: "http://preview.invalid/readyz" }], strategy: { type: "blueGreen", scaleDownDelay: "0s" } };
    let status = 200;
    const { cluster, ports } = setup({ http: { get: async () => ({ status, body: "" }) } });
    expect((await runRollout(planRollout(hello(raw, IMAGE_A)), ports)).verdict).toBe("promoted");
    status = 503;
    const report = await runRollout(planRollout(hello(raw, IMAGE_B)), ports);
    expect(report.verdict).toBe("aborted");
    expect(report.measurements[0]!.checks).toEqual([
      { name: "GET http://preview.invalid/readyz", ok: false, value: 503, expected: "status 200", detail: "status 503" },
    ]);
    expect(get(cluster, "service/hello-api")!.spec.selector["gantry.dev/track"]).toBe("blue");
  });
});

describe("rolling (simulation)", () => {
  it("rolls out, and on failure runs rollout undo, which restores the previous ConfigMap", async () => {
    const { cluster, ports } = setup();
    const good = planRollout(hello({ config: { GREETING: "hello" } }, IMAGE_A));
    expect((await runRollout(good, ports)).verdict).toBe("promoted");
    const bad = planRollout(hello({ config: { GREETING: "broken" }, progressDeadline: "30s" }, IMAGE_B));
    cluster.health = (r) => (r === bad.revision ? "never-ready" : "ready");
    const report = await runRollout(bad, ports);
    expect(report.verdict).toBe("aborted");
    expect(report.actions.map((a) => a.kind)).toContain("undo");
    expect(revisionIn(cluster, "hello-api")).toBe(revisionOf(good.workload));
    const env = get(cluster, "deployment/hello-api")!.spec.template.spec.containers[0].envFrom;
    expect(env[0].configMapRef.name).toBe(configMapName(good.workload));
    expect(get(cluster, `configmap/${configMapName(bad.workload)}`)).toBeDefined();
  });
});
