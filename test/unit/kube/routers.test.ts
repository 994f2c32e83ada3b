// The router seam: a router registered by this test alone (an SMI TrafficSplit, the split Linkerd
// and Open Service Mesh read) goes through every method the rollout loop calls, with no change to
// the loop, and a kind nobody registered does not compile.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { Environment } from "../../../core/kube/config/types.js";
import type { KubeObject } from "../../../core/kube/manifests/objects.js";
import { workload } from "../../../core/kube/manifests/objects.js";
import type { Ports } from "../../../core/kube/ports.js";
import { parseObserved } from "../../../core/kube/rollout/observed.js";
import { renderEnvironment } from "../../../core/kube/rollout/base-objects.js";
import { planRollout, type RolloutPlan } from "../../../core/kube/rollout/plan.js";
import { abort, promote, runRollout, status } from "../../../core/kube/runner.js";
import { registeredRouters, registerRouter, routerFor } from "../../../core/kube/routers/registry.js";
import { releaseWeight, routedObject, type Router, type RouterContext } from "../../../core/kube/routers/router.js";
import { ClusterSimulation, FakeClock } from "../../support/kube-simulation.js";
import { environment, IMAGE_A, IMAGE_B } from "./fixtures.js";

interface SmiRouter {
  kind: "smi";
  /** The TrafficSplit's apiVersion. */
  apiVersion: string;
}

declare module "../../../core/kube/config/types.js" {
  interface RouterConfigs {
    smi: SmiRouter;
  }
}

function trafficSplit({ plan, config }: RouterContext<SmiRouter>, weight: number): KubeObject {
  const n = plan.names;
  return {
    apiVersion: config.apiVersion,
    kind: "TrafficSplit",
    metadata: { name: n.stable, namespace: plan.workload.env.namespace, labels: { "app.kubernetes.io/name": plan.workload.service } },
    spec: {
      service: n.stable,
      backends: [
        { service: n.stable, weight: 100 - weight },
        { service: n.canary, weight },
      ],
    },
  };
}

const smi: Router<SmiRouter> = {
  kind: "smi",
  input: z.strictObject({ type: z.literal("smi"), apiVersion: z.string().optional() }),
  summary: "SMI TrafficSplit",
  shorthand: true,
  usage: "smi",
  configFrom: (input) => ({ kind: "smi", apiVersion: typeof input["apiVersion"] === "string" ? input["apiVersion"] : "split.smi-spec.io/v1alpha4" }),
  problems: () => [],
  keepsSessions: { supported: false, why: "an SMI TrafficSplit has no session setting" },
  sharesService: false,
  render: (ctx, weight) => [trafficSplit(ctx, weight)],
  observes: ["trafficsplits.split.smi-spec.io"],
  observedWeight: ({ plan }, obs) => {
    const backends = routedObject(obs, "TrafficSplit", plan.names.stable)?.spec["backends"];
    const canary = Array.isArray(backends) ? (backends as { service: string; weight: number }[]).find((b) => b.service === plan.names.canary) : undefined;
    return canary?.weight ?? 0;
  },
  applyWeight: (ctx, weight, { obs }) =>
    smi.observedWeight(ctx, obs) === weight
      ? undefined
      : { kind: "apply", objects: [trafficSplit(ctx, weight)], reason: `split ${weight}% to the canary`, weight },
  // Released by removing the split: the mesh then sends everything to the Service itself (stable).
  release: (ctx, obs, reason) => releaseWeight(smi, ctx, obs, () => ({ kind: "delete", refs: [`trafficsplit/${ctx.plan.names.stable}`], reason, weight: 0 })),
};

registerRouter(smi);

const STEPS = [{ setWeight: 25 }, { pause: {} }, { setWeight: 75 }, { setWeight: 100 }];

function smiPlan(image: string): RolloutPlan {
  const base = environment({ replicas: 4, strategy: { type: "canary", steps: STEPS } });
  const env: Environment = {
    ...base,
    strategy: { ...(base.strategy as Extract<Environment["strategy"], { kind: "canary" }>), router: smi.configFrom({ type: "smi" }, { hpa: false }) },
  };
  return planRollout(workload("hello-api", image, env));
}

function setup() {
  const clock = new FakeClock();
  const cluster = new ClusterSimulation(clock);
  const ports: Ports = { kubectl: cluster, clock };
  return { cluster, ports, split: () => cluster.objects.get("trafficsplit/hello-api") as KubeObject | undefined };
}

describe("a router registered by a test (SMI TrafficSplit), driven by the unchanged rollout loop (simulation)", () => {
  it("renders its object with the environment, at weight 0", () => {
    const split = renderEnvironment(smiPlan(IMAGE_A)).find((o) => o.kind === "TrafficSplit");
    expect(split?.["spec"]).toEqual({
      service: "hello-api",
      backends: [
        { service: "hello-api", weight: 100 },
        { service: "hello-api-canary", weight: 0 },
      ],
    });
  });

  it("reads its weight back from what kubectl get prints", () => {
    const plan = smiPlan(IMAGE_A);
    const ctx = { plan, config: smi.configFrom({ type: "smi" }, { hpa: false }) };
    const list = { kind: "List", items: [trafficSplit(ctx, 40)] };
    expect(routerFor(ctx.config).observedWeight(ctx, parseObserved(JSON.stringify(list), "hello-api", 0))).toBe(40);
    expect(smi.observedWeight(ctx, parseObserved(JSON.stringify({ kind: "List", items: [] }), "hello-api", 0))).toBe(0);
  });

  it("is walked through every weight, read back by status, and released on promote", async () => {
    const { cluster, ports, split } = setup();
    expect((await runRollout(smiPlan(IMAGE_A), ports)).verdict).toBe("promoted");
    const plan = smiPlan(IMAGE_B);

    const paused = await runRollout(plan, ports);
    expect(paused.actions.filter((a) => a.weight !== undefined).map((a) => [a.kind, a.weight])).toEqual([["apply", 25]]);
    expect(cluster.calls.filter((c) => c[1] === "get").every((c) => c.includes("deployments.apps,services,pods,trafficsplits.split.smi-spec.io"))).toBe(true);
    const now = await status(plan, ports);
    expect([now.trafficWeight, now.state?.weight]).toEqual([25, 25]);
    expect((split()!["spec"] as any).backends[1]).toEqual({ service: "hello-api-canary", weight: 25 });
    // The stable keeps all its pods: only the replica router scales it.
    expect((cluster.objects.get("deployment/hello-api") as any).spec.replicas).toBe(4);

    const done = await promote(plan, ports);
    expect(done.verdict).toBe("promoted");
    expect(done.actions.filter((a) => a.weight !== undefined).map((a) => [a.kind, a.weight, a.reason])).toEqual([
      ["apply", 75, "split 75% to the canary"],
      ["apply", 100, "split 100% to the canary"],
      ["delete", 0, "promote: all traffic to the stable Deployment"],
    ]);
    expect(split()).toBeUndefined();
    expect(cluster.objects.get("deployment/hello-api-canary")).toBeUndefined();
    expect((await status(plan, ports)).trafficWeight).toBe(0);
  });

  it("is released on abort", async () => {
    const { cluster, ports, split } = setup();
    await runRollout(smiPlan(IMAGE_A), ports);
    const plan = smiPlan(IMAGE_B);
    await runRollout(plan, ports);
    expect((await status(plan, ports)).trafficWeight).toBe(25);
    const aborted = await abort(plan, ports, "by the test");
    expect(aborted.verdict).toBe("aborted");
    expect(aborted.actions.find((a) => a.kind === "delete")).toMatchObject({ reason: "abort: 100% of the traffic to stable", weight: 0 });
    expect(split()).toBeUndefined();
    expect(cluster.objects.get("deployment/hello-api-canary")).toBeUndefined();
  });
});

describe("the registry", () => {
  it("holds the three built-in routers, and the pipeline schema offers each", () => {
    expect(registeredRouters().map((r) => r.kind)).toEqual(expect.arrayContaining(["replicas", "nginx", "gatewayApi"]));
    for (const trafficRouter of ["replicas", "nginx", { type: "gatewayApi", gateway: "public" }]) {
      const e = environment({ ingress: { host: "api.example.com" }, strategy: { type: "canary", trafficRouter } });
      const kind = typeof trafficRouter === "string" ? trafficRouter : trafficRouter.type;
      expect(e.strategy.kind === "canary" && e.strategy.router.kind).toBe(kind);
    }
  });

  it("refuses a router nobody registered, at compile time and at run time", () => {
    // @ts-expect-error: "istio" is no key of RouterConfigs, so it is not a TrafficRouter.
    expect(() => routerFor({ kind: "istio" })).toThrow(/traffic router "istio"/);
  });
});

describe("gatewayApi canaryMatch: chosen requests go to the canary whatever the weight (simulation)", () => {
  const match = { headers: [{ name: "x-canary", value: "always" }], cookie: { name: "beta", value: "on" } };
  const raw = (canaryMatch: unknown) => ({
    replicas: 2,
    ingress: { host: "api.example.com" },
    strategy: {
      type: "canary",
      trafficRouter: { type: "gatewayApi", gateway: "public", canaryMatch },
      steps: [{ setWeight: 10 }, { pause: {} }, { setWeight: 100 }],
    },
  });
  const matchPlan = (image: string) => planRollout(workload("hello-api", image, environment(raw(match))));
  const rules = (c: ClusterSimulation) => (c.objects.get("httproute/hello-api") as any).spec.rules;
  const split = (weight: number) => ({
    matches: [{ path: { type: "PathPrefix", value: "/" } }],
    backendRefs: [
      { name: "hello-api", port: 80, weight: 100 - weight },
      { name: "hello-api-canary", port: 80, weight },
    ],
  });

  it("adds the match rule once the canary is ready, and removes it on promote and abort", async () => {
    const { cluster, ports } = setup();
    await runRollout(matchPlan(IMAGE_A), ports);
    expect(rules(cluster)).toEqual([split(0)]);
    const b = matchPlan(IMAGE_B);
    expect((await runRollout(b, ports)).verdict).toBe("paused");
    const [first, second] = rules(cluster);
    expect(first.backendRefs).toEqual([{ name: "hello-api-canary", port: 80 }]);
    expect(first.matches[0].headers).toEqual([
      { type: "Exact", name: "x-canary", value: "always" },
      { type: "RegularExpression", name: "Cookie", value: "(^|;\\s*)beta=on(;|$)" },
    ]);
    expect(second).toEqual(split(10));
    // The match rule's canary backend is not mistaken for the split's weight.
    expect((await status(b, ports)).trafficWeight).toBe(10);
    expect((await promote(b, ports)).verdict).toBe("promoted");
    expect(rules(cluster)).toEqual([split(0)]);

    const c = matchPlan(`ghcr.io/acme/hello-api@sha256:${"c".repeat(64)}`);
    expect((await runRollout(c, ports)).verdict).toBe("paused");
    expect(rules(cluster)).toHaveLength(2);
    expect((await abort(c, ports)).verdict).toBe("aborted");
    expect(rules(cluster)).toEqual([split(0)]);
  });

  it("matches the cookie as one whole pair of the Cookie header (checked with a JavaScript RegExp, which agrees with RE2 here)", () => {
    const cookieRegExp = (cookie: { name: string; value: string }) => {
      const strategy = environment(raw({ cookie })).strategy;
      const headers = strategy.kind === "canary" && strategy.router.kind === "gatewayApi" ? strategy.router.canaryMatch?.headers : undefined;
      expect(headers?.[0]).toMatchObject({ type: "RegularExpression", name: "Cookie" });
      return new RegExp(headers![0]!.value);
    };
    const beta = cookieRegExp({ name: "beta", value: "on" });
    expect(["beta=on", "a=b; beta=on; c=d", "a=b;beta=on"].map((c) => beta.test(c))).toEqual([true, true, true]);
    expect(["abeta=on", "beta=one", "beta=o"].map((c) => beta.test(c))).toEqual([false, false, false]);
    const escaped = cookieRegExp({ name: "be.ta", value: "o+n" });
    expect([escaped.test("be.ta=o+n"), escaped.test("beXta=oon")]).toEqual([true, false]);
  });

  it("refuses a match that is empty or names an invalid header or cookie", () => {
    expect(() => environment(raw({}))).toThrow(/trafficRouter\.canaryMatch: expected headers, a cookie, or both/);
    expect(() => environment(raw({ headers: [{ name: "x canary", value: "1" }] }))).toThrow(
      /trafficRouter\.canaryMatch\.headers\[0\]\.name: expected an HTTP header name/,
    );
    expect(() => environment(raw({ cookie: { name: "beta", value: "a;b" } }))).toThrow(/trafficRouter\.canaryMatch\.cookie\.value: expected a cookie value/);
  });
});
