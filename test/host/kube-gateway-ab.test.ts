// Gateway API A/B (a `match` step before any weight) and session affinity (sessionPersistence) on a
// real control plane with the Gateway API experimental CRDs (sessionPersistence is not in the
// standard channel): the rollout loop, unchanged, walks match-only -> weighted -> promoted and
// aborted, and the HTTPRoute is read back from the API server at each stage. The values the loader
// accepts are dry-run on the API server (accepted), and the ones it refuses are refused there too.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { normaliseEnvironment } from "../support/environment.js";
import { workload } from "../../core/kube/manifests/objects.js";
import { renderEnvironment } from "../../core/kube/rollout/base-objects.js";
import { planRollout, type RolloutPlan } from "../../core/kube/rollout/plan.js";
import { abort, promote, runRollout, status } from "../../core/kube/runner.js";
import { startCluster, type Cluster } from "../support/cluster.js";
import { clusterPorts, dryRun, find, installGatewayApi, restrictedNamespace } from "../support/kube-host.js";

const image = (c: string) => `ghcr.io/acme/hello-api@sha256:${c.repeat(64)}`;
const GOOD_A = image("a");
const GOOD_B = image("b");
const GOOD_C = image("c");
const FILE = { file: "pipelines/hello.yaml" };
const REPO = fileURLToPath(new URL("../../", import.meta.url));
const ROLLOUT_PROCESS = `${REPO}test/support/rollout-process.ts`;

let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster();
  await installGatewayApi(cluster, "experimental");
});
afterAll(async () => {
  await cluster?.stop();
});

const ROUTER = { type: "gatewayApi", gateway: "public", gatewayNamespace: "gateways", canaryMatch: { cookie: { name: "beta", value: "on" } } };
const STEPS = [{ match: {} }, { pause: {} }, { setWeight: 30 }, { pause: {} }, { setWeight: 100 }];
const AFFINITY = { cookie: { name: "gantry-session", lifetime: "permanent" }, absoluteTimeout: "1h30m" };
const ab = (sessionAffinity: unknown = AFFINITY) => ({
  replicas: 2,
  progressDeadline: "20s",
  ingress: { host: "api.example.com" },
  strategy: { type: "canary", trafficRouter: ROUTER, steps: STEPS, ...(sessionAffinity ? { sessionAffinity } : {}) },
});

function plan(namespace: string, raw: Record<string, unknown>, img: string): RolloutPlan {
  return planRollout(workload("hello-api", img, normaliseEnvironment("production", { namespace, ...raw }, FILE)), { pollMs: 300 });
}

const ports = () => clusterPorts(cluster);
const COOKIE = [{ type: "RegularExpression", name: "Cookie", value: "(^|;\\s*)beta=on(;|$)" }];

/** The HTTPRoute's rules as the API server stores them: who each matches, where it sends them, and the session setting. */
async function rules(ns: string): Promise<{ headers: unknown; to: unknown[]; sessions: unknown }[]> {
  const route = await find(cluster, ns, "httproute/hello-api");
  return route.spec.rules.map((r: any) => ({
    headers: r.matches[0].headers,
    to: r.backendRefs.map((b: any) => [b.name, b.weight]),
    sessions: r.sessionPersistence,
  }));
}

// As stored: the CRD's defaults filled in (the cookie's path "/").
const SESSIONS = { type: "Cookie", absoluteTimeout: "1h30m", cookie: { name: "gantry-session", lifetimeType: "Permanent", path: "/" } };
const MATCHED = { headers: COOKIE, to: [["hello-api-canary", 1]], sessions: SESSIONS };
const split = (weight: number) => ({
  headers: undefined,
  to: [
    ["hello-api", 100 - weight],
    ["hello-api-canary", weight],
  ],
  sessions: SESSIONS,
});

async function expectNoCanary(ns: string): Promise<void> {
  expect(await find(cluster, ns, "deployment/hello-api-canary")).toBeUndefined();
  expect(await find(cluster, ns, "service/hello-api-canary")).toBeUndefined();
}

describe("a match step, then the weights, on the real API server", () => {
  it("walks match-only -> weighted -> promoted, and an abort in the match-only step removes the rule", async () => {
    const ns = await restrictedNamespace(cluster, "ab");
    await runRollout(plan(ns, ab(), GOOD_A), ports());
    expect(await rules(ns)).toEqual([split(0)]);

    const b = plan(ns, ab(), GOOD_B);
    const matchOnly = await runRollout(b, ports());
    expect(matchOnly.verdict, matchOnly.reason).toBe("paused");
    expect(await rules(ns)).toEqual([MATCHED, split(0)]);
    expect((await find(cluster, ns, "deployment/hello-api-canary")).status.readyReplicas).toBe(1);
    expect((await status(b, ports())).trafficWeight).toBe(0);

    expect((await promote(b, ports())).verdict).toBe("paused");
    expect(await rules(ns)).toEqual([MATCHED, split(30)]);
    expect((await status(b, ports())).trafficWeight).toBe(30);

    const promoted = await promote(b, ports());
    expect(promoted.verdict, promoted.reason).toBe("promoted");
    expect(await rules(ns)).toEqual([split(0)]);
    await expectNoCanary(ns);

    const c = plan(ns, ab(), GOOD_C);
    expect((await runRollout(c, ports())).verdict).toBe("paused");
    expect(await rules(ns)).toEqual([MATCHED, split(0)]);
    expect((await abort(c, ports())).verdict).toBe("aborted");
    expect(await rules(ns)).toEqual([split(0)]);
    await expectNoCanary(ns);
  });

  it("SIGKILLed after the rule is applied but before the step is recorded, a re-run reads the HTTPRoute back and knows it is in the match-only step", async () => {
    const ns = await restrictedNamespace(cluster, "ab-resume");
    await runRollout(plan(ns, ab(), GOOD_A), ports());
    const killed = await rolloutKilledBefore(ns, GOOD_B, "step 0: the matched requests reach the canary");
    expect(killed.signal, killed.stdout + killed.stderr).toBe("SIGKILL");
    expect((await find(cluster, ns, "service/hello-api")).metadata.annotations["gantry.dev/rollout-step"]).toBe("0");
    expect(await rules(ns)).toEqual([MATCHED, split(0)]);
    const before = (await find(cluster, ns, "httproute/hello-api")).metadata.resourceVersion;

    const b = plan(ns, ab(), GOOD_B);
    const resumed = await runRollout(b, ports());
    expect(resumed.verdict, resumed.reason).toBe("paused");
    expect(resumed.actions.map((a) => a.reason)).toEqual(["step 0: the matched requests reach the canary"]);
    expect((await find(cluster, ns, "httproute/hello-api")).metadata.resourceVersion).toBe(before);
    expect((await find(cluster, ns, "service/hello-api")).metadata.annotations["gantry.dev/rollout-step"]).toBe("1");
    expect((await promote(b, ports(), true)).verdict).toBe("promoted");
    await expectNoCanary(ns);
  });
});

/** A rollout of `img` in a process of its own (test/support/rollout-process.ts) that SIGKILLs itself just before the action `killBefore`. */
function rolloutKilledBefore(ns: string, img: string, killBefore: string): Promise<{ signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const input = JSON.stringify({ namespace: ns, raw: ab(), image: img, killBefore });
  return new Promise((resolve) => {
    // node --import tsx runs the rollout in this very process, so the signal is the rollout's own (the tsx CLI would relay it as exit 137).
    execFile(
      process.execPath,
      ["--import", "tsx", ROLLOUT_PROCESS, cluster.kubectlPath, cluster.kubeconfig, input],
      { cwd: REPO, timeout: 5 * 60_000 },
      (error, stdout, stderr) => resolve({ signal: error?.signal ?? null, stdout, stderr }),
    );
  });
}

describe("sessionAffinity: what the loader accepts the API server accepts, what it refuses the API server refuses", () => {
  const routeOf = (ns: string, sessionAffinity: unknown) => renderEnvironment(plan(ns, ab(sessionAffinity), GOOD_A)).find((o) => o.kind === "HTTPRoute") as any;

  it.each([
    ["a cookie the Gateway names", { cookie: {} }],
    ["a named permanent cookie with an absolute timeout", AFFINITY],
    ["a session cookie with the longest timeout", { cookie: { lifetime: "session" }, absoluteTimeout: "99999h99999m99999s99999ms" }],
    ["a header with a timeout in milliseconds", { header: { name: "x-session" }, absoluteTimeout: "500ms" }],
  ])("accepted: %s", async (_what, sessionAffinity) => {
    const ns = await restrictedNamespace(cluster, "affinity-ok");
    const verdict = await dryRun(cluster, ns, routeOf(ns, sessionAffinity));
    expect(verdict.accepted, verdict.stderr).toBe(true);
  });

  // Each: the setting in the pipeline file, the loader's refusal, and the same value put by hand
  // into an HTTPRoute Gantry rendered, with what the API server answers.
  it.each([
    [
      "idleTimeout",
      { cookie: {}, idleTimeout: "10m" },
      /sessionAffinity\.idleTimeout: Gateway API v1\.6 removed idleTimeout/,
      { type: "Cookie", cookie: {}, idleTimeout: "10m" },
      /\.spec\.rules\[0\]\.sessionPersistence\.idleTimeout: field not declared in schema/,
    ],
    [
      "a timeout in days",
      { cookie: {}, absoluteTimeout: "1d" },
      /absoluteTimeout: expected a Gateway API duration/,
      { type: "Cookie", cookie: {}, absoluteTimeout: "1d" },
      /absoluteTimeout.*should match/,
    ],
    [
      "a fractional timeout",
      { cookie: {}, absoluteTimeout: "1.5h" },
      /absoluteTimeout: expected a Gateway API duration/,
      { type: "Cookie", cookie: {}, absoluteTimeout: "1.5h" },
      /absoluteTimeout.*should match/,
    ],
    [
      "a six-digit timeout",
      { cookie: {}, absoluteTimeout: "100000s" },
      /absoluteTimeout: expected a Gateway API duration/,
      { type: "Cookie", cookie: {}, absoluteTimeout: "100000s" },
      /absoluteTimeout.*should match/,
    ],
    [
      "a permanent cookie without a timeout",
      { cookie: { lifetime: "permanent" } },
      /absoluteTimeout: is required with cookie\.lifetime permanent/,
      { type: "Cookie", cookie: { lifetimeType: "Permanent" } },
      /AbsoluteTimeout must be specified when cookie lifetimeType is Permanent/,
    ],
    [
      "a cookie and a header",
      { cookie: {}, header: { name: "x-session" } },
      /sessionAffinity: set cookie or header/,
      { type: "Cookie", cookie: {}, header: { name: "x-session" } },
      /header must be nil if type is not Header/,
    ],
    ["a header without a name", { header: {} }, /header\.name: is required/, { type: "Header", header: {} }, /header\.name: Required value/],
    [
      "a cookie name with a space",
      { cookie: { name: "my session" } },
      /cookie\.name: expected a cookie name/,
      { type: "Cookie", cookie: { name: "my session" } },
      /cookie\.name.*should match/,
    ],
  ])("refused: %s", async (_what, setting, loaderSays, persistence, serverSays) => {
    const ns = await restrictedNamespace(cluster, "affinity-bad");
    expect(() => plan(ns, ab(setting), GOOD_A)).toThrow(loaderSays);
    const route = routeOf(ns, { cookie: {} });
    route.spec.rules[0].sessionPersistence = persistence;
    const verdict = await dryRun(cluster, ns, route);
    expect(verdict.accepted).toBe(false);
    expect(verdict.stderr).toMatch(serverSays);
  });
});
