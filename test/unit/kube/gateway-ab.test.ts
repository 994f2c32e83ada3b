// Gateway API A/B before any weight (a `match` step) and session affinity (sessionPersistence): the
// plan and the router over a simulation of the cluster, the loader's refusals through the pipeline
// loader itself (file:line:column and the field). The real API server's view is in
// test/host/kube-gateway-ab.test.ts.
import { describe, expect, it } from "vitest";

import { workload } from "../../../core/kube/manifests/objects.js";
import type { Ports } from "../../../core/kube/ports.js";
import { renderEnvironment } from "../../../core/kube/rollout/base-objects.js";
import { decide } from "../../../core/kube/rollout/decide.js";
import type { Observed } from "../../../core/kube/rollout/observed.js";
import { planRollout } from "../../../core/kube/rollout/plan.js";
import { timeToDetect } from "../../../core/kube/rollout/time-to-detect.js";
import { abort, promote, runRollout, status } from "../../../core/kube/runner.js";
import { loadPipeline } from "../../../core/pipeline/load.js";
import { ClusterSimulation, FakeClock } from "../../support/kube-simulation.js";
import { environment, IMAGE_A, IMAGE_B, PROMETHEUS } from "./fixtures.js";

const IMAGE_C = `ghcr.io/acme/hello-api@sha256:${"c".repeat(64)}`;
const MATCH = { cookie: { name: "beta", value: "on" } };
const ROUTER = { type: "gatewayApi", gateway: "public", canaryMatch: MATCH };
const AB = (steps: unknown[], extra: Record<string, unknown> = {}) => ({
  replicas: 4,
  ingress: { host: "api.example.com" },
  strategy: { type: "canary", trafficRouter: ROUTER, steps, ...extra },
});
const STEPS = [{ match: {} }, { pause: {} }, { setWeight: 50 }, { setWeight: 100 }];
const abPlan = (image: string, raw: Record<string, unknown> = AB(STEPS)) => planRollout(workload("hello-api", image, environment(raw)));

const COOKIE_RULE = {
  matches: [{ path: { type: "PathPrefix", value: "/" }, headers: [{ type: "RegularExpression", name: "Cookie", value: "(^|;\\s*)beta=on(;|$)" }] }],
  backendRefs: [{ name: "hello-api-canary", port: 80 }],
};
const split = (weight: number) => ({
  matches: [{ path: { type: "PathPrefix", value: "/" } }],
  backendRefs: [
    { name: "hello-api", port: 80, weight: 100 - weight },
    { name: "hello-api-canary", port: 80, weight },
  ],
});

function setup() {
  const clock = new FakeClock();
  const cluster = new ClusterSimulation(clock);
  const ports: Ports = { kubectl: cluster, clock };
  const rules = () => (cluster.objects.get("httproute/hello-api") as any).spec.rules;
  const canaryPods = () => (cluster.objects.get("deployment/hello-api-canary") as any)?.spec.replicas;
  return { cluster, ports, rules, canaryPods };
}

describe("a match step: the chosen requests reach the canary before any weight (simulation)", () => {
  it("walks match-only (one canary pod, the cookie rule, weight 0), then the weights, then promotes without the rule", async () => {
    const { ports, rules, canaryPods } = setup();
    await runRollout(abPlan(IMAGE_A), ports);
    const b = abPlan(IMAGE_B);
    const paused = await runRollout(b, ports);
    expect(paused.verdict).toBe("paused");
    expect(paused.actions.map((a) => a.reason)).toEqual([
      `start the canary of ${b.revision}`,
      "canary: 1 pod(s) for the matched requests",
      "route the matched requests, and only them, to the canary",
      "step 0: the matched requests reach the canary",
    ]);
    expect(rules()).toEqual([COOKIE_RULE, split(0)]);
    expect(canaryPods()).toBe(1);
    const now = await status(b, ports);
    expect([now.trafficWeight, now.state?.step, now.state?.weight]).toEqual([0, 1, 0]);

    const done = await promote(b, ports);
    expect(done.verdict).toBe("promoted");
    expect(done.actions.filter((a) => a.weight !== undefined).map((a) => [a.weight, a.reason])).toEqual([
      [50, "route 50% to the canary, and the matched requests"],
      [100, "route 100% to the canary, and the matched requests"],
      [0, "promote: all traffic to the stable Deployment"],
    ]);
    expect(rules()).toEqual([split(0)]);
    expect(canaryPods()).toBeUndefined();
  });

  it("an abort during the match-only step removes the rule and the canary", async () => {
    const { ports, rules, canaryPods } = setup();
    await runRollout(abPlan(IMAGE_A), ports);
    const c = abPlan(IMAGE_C);
    expect((await runRollout(c, ports)).verdict).toBe("paused");
    expect(rules()).toHaveLength(2);
    const aborted = await abort(c, ports, "by the test");
    expect(aborted.verdict).toBe("aborted");
    expect(aborted.actions[0]).toMatchObject({ kind: "apply", reason: "abort: 100% of the traffic to stable", weight: 0 });
    expect(rules()).toEqual([split(0)]);
    expect(canaryPods()).toBeUndefined();
  });

  it("killed after the rule is applied but before the step is recorded, a re-run reads the rule back and records the step without applying again", async () => {
    const { cluster, ports, rules } = setup();
    await runRollout(abPlan(IMAGE_A), ports);
    const b = abPlan(IMAGE_B);
    const cut = await runRollout(b, ports, { maxActions: 3 });
    expect(cut.verdict).toBe("interrupted");
    expect(cut.actions.at(-1)?.reason).toBe("route the matched requests, and only them, to the canary");
    expect(rules()).toEqual([COOKIE_RULE, split(0)]);
    expect((await status(b, ports)).state?.step).toBe(0);
    const applies = cluster.calls.filter((c) => c[1] === "apply").length;
    const resumed = await runRollout(b, ports);
    expect(resumed.verdict).toBe("paused");
    expect(resumed.actions.map((a) => a.reason)).toEqual(["step 0: the matched requests reach the canary"]);
    expect(cluster.calls.filter((c) => c[1] === "apply").length).toBe(applies);
  });

  it("an analysis step after it measures the canary track while only the matched requests reach it", () => {
    const plan = abPlan(IMAGE_B, { ...AB([{ match: {} }, { analysis: {} }, { setWeight: 50 }]), analysis: PROMETHEUS });
    const T0 = Date.UTC(2026, 0, 1);
    const dep = (name: string, revision: string, replicas: number) => ({
      name,
      revision,
      specReplicas: replicas,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: replicas,
      current: true,
      deadlineExceeded: false,
    });
    const obs: Observed = {
      now: T0 + 20_000,
      deployments: { "hello-api": dep("hello-api", "old", 4), "hello-api-canary": dep("hello-api-canary", plan.revision, 1) },
      services: {},
      routing: { "HTTPRoute/hello-api": { annotations: {}, spec: { rules: [COOKIE_RULE, split(0)] } } },
      restarts: {},
      pullFailures: {},
      state: {
        strategy: "canary",
        revision: plan.revision,
        image: IMAGE_B,
        stableRevision: "old",
        phase: "progressing",
        step: 1,
        weight: 0,
        total: 4,
        stepStartedAt: T0,
      },
    };
    expect(decide(plan, obs)).toMatchObject({ kind: "measure", track: "canary", smokeService: "hello-api-canary", metrics: true });
    // The time to detect a bad canary counts from the match step: its first request.
    expect(timeToDetect(plan.workload.env, 2000).explanation).toBe("12s = (failureLimit 0 + 1) x interval 10s + one poll 2s");
  });

  it("a canary of another revision loses the rule before it takes the new one (resetWeightBeforeNewRevision)", () => {
    const plan = abPlan(IMAGE_B);
    const dep = (name: string, revision: string, replicas: number) => ({
      name,
      revision,
      specReplicas: replicas,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: replicas,
      current: true,
      deadlineExceeded: false,
    });
    const obs: Observed = {
      now: Date.UTC(2026, 0, 1),
      deployments: { "hello-api": dep("hello-api", "old", 4), "hello-api-canary": dep("hello-api-canary", "another", 1) },
      services: {},
      routing: { "HTTPRoute/hello-api": { annotations: {}, spec: { rules: [COOKIE_RULE, split(0)] } } },
      restarts: {},
      pullFailures: {},
      state: {
        strategy: "canary",
        revision: plan.revision,
        image: IMAGE_B,
        stableRevision: "old",
        phase: "progressing",
        step: 0,
        weight: 0,
        total: 4,
        stepStartedAt: Date.UTC(2026, 0, 1),
      },
    };
    const reset = decide(plan, obs);
    expect(reset).toMatchObject({ kind: "apply", reason: "reset the weight to 0 before the canary takes another revision", weight: 0 });
    expect((reset as { objects: any[] }).objects[0].spec.rules).toEqual([split(0)]);
  });

  it("a superseded rollout in its match-only step is aborted (rule removed) before the next one starts", async () => {
    const { ports, rules } = setup();
    await runRollout(abPlan(IMAGE_A), ports);
    const b = abPlan(IMAGE_B);
    await runRollout(b, ports, { maxActions: 3 });
    const c = abPlan(IMAGE_C);
    const superseding = await runRollout(c, ports);
    expect(superseding.verdict).toBe("paused");
    expect(superseding.actions.map((a) => a.reason)).toContain("abort: 100% of the traffic to stable");
    expect(rules()).toEqual([COOKIE_RULE, split(0)]);
  });
});

describe("sessionAffinity: sessionPersistence on every rule of the HTTPRoute", () => {
  const withAffinity = (sessionAffinity: unknown) => abPlan(IMAGE_A, AB(STEPS, { sessionAffinity }));
  const routeOf = (plan: ReturnType<typeof abPlan>) => renderEnvironment(plan).find((o) => o.kind === "HTTPRoute") as any;

  it("renders a cookie, with its lifetime and the absolute timeout", () => {
    const route = routeOf(withAffinity({ cookie: { name: "gantry-session", lifetime: "permanent" }, absoluteTimeout: "1h30m" }));
    expect(route.spec.rules).toEqual([
      { ...split(0), sessionPersistence: { type: "Cookie", absoluteTimeout: "1h30m", cookie: { name: "gantry-session", lifetimeType: "Permanent" } } },
    ]);
  });

  it("renders a header, and a cookie whose name the Gateway chooses", () => {
    expect(routeOf(withAffinity({ header: { name: "x-session" } })).spec.rules[0].sessionPersistence).toEqual({
      type: "Header",
      header: { name: "x-session" },
    });
    expect(routeOf(withAffinity({ cookie: {} })).spec.rules[0].sessionPersistence).toEqual({ type: "Cookie", cookie: {} });
  });

  it("is on the match rule and the split rule during the match-only step", async () => {
    const { ports, rules } = setup();
    const raw = AB(STEPS, { sessionAffinity: { cookie: { name: "gantry-session" } } });
    await runRollout(abPlan(IMAGE_A, raw), ports);
    await runRollout(abPlan(IMAGE_B, raw), ports);
    const persistence = { type: "Cookie", cookie: { name: "gantry-session" } };
    expect(rules()).toEqual([
      { ...COOKIE_RULE, sessionPersistence: persistence },
      { ...split(0), sessionPersistence: persistence },
    ]);
  });
});

describe("bad A/B and affinity settings are refused by the loader, with file, line, column and field", () => {
  const FILE = "pipelines/ab.yaml";
  const pipeline = (router: string, strategyLines: string[]) =>
    [
      "environments:",
      "  production:",
      "    namespace: shop",
      "    ingress: {host: api.example.com}",
      "    strategy:",
      "      type: canary",
      `      trafficRouter: ${router}`,
      ...strategyLines.map((l) => `      ${l}`),
      "",
    ].join("\n");
  const GATEWAY = "{type: gatewayApi, gateway: public, canaryMatch: {cookie: {name: beta, value: 'on'}}}";
  const refused = (text: string) => {
    try {
      loadPipeline(text, FILE);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error("the pipeline loaded");
  };
  const STEP = ["steps:", "  - match: {}", "  - setWeight: 50"];
  const AFFINITY = (lines: string[]) => [...STEP, "sessionAffinity:", ...lines.map((l) => `  ${l}`)];

  it.each([
    [
      "a match step without gatewayApi (replicas)",
      pipeline("replicas", STEP),
      "9:18: environments.production.strategy.steps[0].match: the replicas traffic router cannot send chosen requests to the canary",
    ],
    [
      "a match step without gatewayApi (nginx)",
      pipeline("nginx", STEP),
      "9:18: environments.production.strategy.steps[0].match: the nginx traffic router cannot send chosen requests to the canary",
    ],
    [
      "a match step without canaryMatch",
      pipeline("{type: gatewayApi, gateway: public}", STEP),
      "9:18: environments.production.strategy.steps[0].match: needs trafficRouter.canaryMatch",
    ],
    [
      "a match step after a weight",
      pipeline(GATEWAY, ["steps:", "  - setWeight: 10", "  - match: {}"]),
      "10:18: environments.production.strategy.steps[1].match: must come before every setWeight (steps[0])",
    ],
    [
      "two match steps",
      pipeline(GATEWAY, ["steps:", "  - match: {}", "  - match:"]),
      "10:17: environments.production.strategy.steps[1].match: only one match step",
    ],
    [
      "a step with match and a weight",
      pipeline(GATEWAY, ["steps:", "  - {match: {}, setWeight: 10}"]),
      "9:11: environments.production.strategy.steps[0]: each step is exactly one of setWeight, match, pause or analysis",
    ],
    [
      "affinity with ingress-nginx",
      pipeline("nginx", ["sessionAffinity: {cookie: {}}"]),
      "8:24: environments.production.strategy.sessionAffinity: ingress-nginx stopped receiving fixes in March 2026",
    ],
    [
      "affinity with the replica router",
      pipeline("replicas", ["sessionAffinity: {cookie: {}}"]),
      "8:24: environments.production.strategy.sessionAffinity: the replicas traffic router has no proxy to keep a client on a pod",
    ],
    [
      "an idle timeout (removed from Gateway API in v1.6)",
      pipeline(GATEWAY, AFFINITY(["cookie: {}", "idleTimeout: 10m"])),
      "13:22: environments.production.strategy.sessionAffinity.idleTimeout: Gateway API v1.6 removed idleTimeout",
    ],
    [
      "a timeout in days",
      pipeline(GATEWAY, AFFINITY(["cookie: {}", "absoluteTimeout: 1d"])),
      "13:26: environments.production.strategy.sessionAffinity.absoluteTimeout: expected a Gateway API duration",
    ],
    [
      "a fractional timeout",
      pipeline(GATEWAY, AFFINITY(["cookie: {}", "absoluteTimeout: 1.5h"])),
      "13:26: environments.production.strategy.sessionAffinity.absoluteTimeout: expected a Gateway API duration",
    ],
    [
      "a timeout part of six digits",
      pipeline(GATEWAY, AFFINITY(["cookie: {}", "absoluteTimeout: 100000s"])),
      "13:26: environments.production.strategy.sessionAffinity.absoluteTimeout: expected a Gateway API duration",
    ],
    [
      "a zero timeout",
      pipeline(GATEWAY, AFFINITY(["cookie: {}", "absoluteTimeout: 0s"])),
      "13:26: environments.production.strategy.sessionAffinity.absoluteTimeout: must be greater than 0",
    ],
    [
      "a permanent cookie without a timeout",
      pipeline(GATEWAY, AFFINITY(["cookie: {lifetime: permanent}"])),
      "environments.production.strategy.sessionAffinity.absoluteTimeout: is required with cookie.lifetime permanent",
    ],
    [
      "a cookie and a header",
      pipeline(GATEWAY, AFFINITY(["cookie: {}", "header: {name: x-session}"])),
      "12:9: environments.production.strategy.sessionAffinity: set cookie or header",
    ],
    [
      "a header without a name",
      pipeline(GATEWAY, AFFINITY(["header: {}"])),
      "12:17: environments.production.strategy.sessionAffinity.header.name: is required",
    ],
    [
      "a cookie name that is no token",
      pipeline(GATEWAY, AFFINITY(["cookie: {name: 'my session'}"])),
      "12:24: environments.production.strategy.sessionAffinity.cookie.name: expected a cookie name",
    ],
  ])("%s", (_what, text, expected) => {
    expect(refused(text)).toContain(/^\d/.test(expected) ? `${FILE}:${expected}` : expected);
  });

  it("accepts every setting the real API server accepts (test/host/kube-gateway-ab.test.ts dry-runs the same values)", () => {
    const text = pipeline(GATEWAY, AFFINITY(["cookie: {name: gantry-session, lifetime: permanent}", "absoluteTimeout: 1h30m"]));
    const env = loadPipeline(text, FILE).environments["production"]!;
    expect(env.strategy).toMatchObject({
      type: "canary",
      sessionAffinity: { cookie: { name: "gantry-session", lifetime: "permanent" }, absoluteTimeout: "1h30m" },
    });
  });
});
