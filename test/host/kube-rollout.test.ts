// Gantry's rollout loop, unchanged, against a real control plane (kwok makes the pods Running and
// Ready; pods labelled gantry.dev/simulate=never-ready, =crashloop or =pull-failure never become Ready).
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { normaliseEnvironment } from "../support/environment.js";
import { configMapName } from "../../core/kube/manifests/config-map.js";
import { workload } from "../../core/kube/manifests/objects.js";
import { weightsOf } from "../../core/kube/report.js";
import type { Ports } from "../../core/kube/ports.js";
import { renderEnvironment } from "../../core/kube/rollout/base-objects.js";
import { planRollout, type RolloutPlan } from "../../core/kube/rollout/plan.js";
import { abort, promote, runRollout, status } from "../../core/kube/runner.js";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { deliveryMarkdown, deliveryMetrics } from "../../core/kube/delivery-metrics.js";
import { httpMarker } from "../../core/kube/notify/marks.js";
import { httpNotifier } from "../../core/kube/notify/targets.js";
import { ANNOTATION_TAG, RELEASE_METRICS } from "../../core/kube/release-metrics.js";
import { history } from "../../core/kube/runner.js";
import { fetchHttp } from "../../dagger/http.js";
import { startPushgateway } from "../support/pushgateway.js";
import { startReceiver } from "../support/receiver.js";
import { startCluster, type Cluster } from "../support/cluster.js";
import { clusterPorts, dryRun, find, getJson, installGatewayApi, restrictedNamespace } from "../support/kube-host.js";

const image = (c: string) => `ghcr.io/acme/hello-api@sha256:${c.repeat(64)}`;
const GOOD_A = image("a");
const GOOD_B = image("b");
const GOOD_C = image("c");

let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster();
  await installGatewayApi(cluster);
});
afterAll(async () => {
  await cluster?.stop();
});

function plan(
  namespace: string,
  raw: Record<string, unknown>,
  img: string,
  simulate?: "never-ready" | "crashloop" | "pull-failure",
  commitTime?: number,
): RolloutPlan {
  const env = normaliseEnvironment(
    "staging",
    { namespace, progressDeadline: "20s", ...raw, ...(simulate ? { podLabels: { "gantry.dev/simulate": simulate } } : {}) },
    { file: "pipelines/hello.yaml" },
  );
  return planRollout(workload("hello-api", img, env), { pollMs: 300, ...(commitTime ? { commitTime } : {}) });
}

const ports = (extra: Partial<Ports> = {}) => clusterPorts(cluster, extra);
const deployment = (ns: string, name: string) => find(cluster, ns, `deployment/${name}`);
const revision = (d: any) => d?.spec.template.metadata.annotations["gantry.dev/revision"];
const replicaSets = async (ns: string) => (await getJson(cluster, ns, ["replicasets", "-l", "app.kubernetes.io/name=hello-api"])).items.length;

async function expectStableOnly(ns: string, p: RolloutPlan, replicas: number): Promise<void> {
  const stable = await deployment(ns, "hello-api");
  expect(revision(stable)).toBe(p.revision);
  expect(stable.spec.replicas).toBe(replicas);
  expect(stable.status.readyReplicas).toBe(replicas);
  expect(await deployment(ns, "hello-api-canary")).toBeUndefined();
  // The README promises the canary removed: its Service too (it stayed behind before).
  expect(await find(cluster, ns, "service/hello-api-canary")).toBeUndefined();
}

const CANARY = { replicas: 4, strategy: { type: "canary", steps: [{ setWeight: 25 }, { pause: { duration: "1s" } }, { setWeight: 50 }, { setWeight: 100 }] } };

describe("canary with the replica router", () => {
  it("promotes: weights by replica ratio, the stable takes the new revision, the canary is removed", async () => {
    const ns = await restrictedNamespace(cluster, "canary");
    const a = plan(ns, CANARY, GOOD_A);
    expect((await runRollout(a, ports())).verdict).toBe("promoted");
    const b = plan(ns, CANARY, GOOD_B);
    const canaryReplicas: number[] = [];
    const report = await runRollout(b, ports(), { onAction: (x) => x.kind === "scale" && canaryReplicas.push(x.replicas) });
    expect(report.verdict, report.reason).toBe("promoted");
    expect(canaryReplicas).toEqual([3, 2, 0]); // the stable's pods at 25%, 50%, 100% of 4
    await expectStableOnly(ns, b, 4);
  });

  it("the same digest twice creates no new ReplicaSet and changes nothing", async () => {
    const ns = await restrictedNamespace(cluster, "same");
    const a = plan(ns, CANARY, GOOD_A);
    await runRollout(a, ports());
    const before = await deployment(ns, "hello-api");
    const sets = await replicaSets(ns);
    const again = await runRollout(plan(ns, CANARY, GOOD_A), ports());
    expect(again.verdict).toBe("unchanged");
    expect(again.actions).toEqual([]);
    const after = await deployment(ns, "hello-api");
    expect(after.metadata.generation).toBe(before.metadata.generation);
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(await replicaSets(ns)).toBe(sets);
  });

  const expectedReason = {
    "never-ready": /canary not ready: 0\/1 pod\(s\) ready/,
    crashloop: /crash loop/,
    "pull-failure": /canary pods cannot pull their image \(ImagePullBackOff: Back-off pulling image "ghcr\.io\/acme\/hello-api@sha256:b{64}"/,
  };
  for (const simulate of ["never-ready", "crashloop", "pull-failure"] as const) {
    it(`a ${simulate} canary is rolled back: stable at 100%, no canary left`, async () => {
      const ns = await restrictedNamespace(cluster, simulate);
      const a = plan(ns, CANARY, GOOD_A);
      await runRollout(a, ports());
      // The crash loop is caught by its restarts and the pull failure by the kubelet's back-off (both
      // before the 8 s readiness deadline), the never-ready pod by the deadline.
      const report = await runRollout(plan(ns, { ...CANARY, maxRestarts: 2, progressDeadline: "8s" }, GOOD_B, simulate), ports());
      expect(report.verdict).toBe("aborted");
      expect(report.reason).toMatch(expectedReason[simulate]);
      await expectStableOnly(ns, a, 4);
    });
  }

  it("killed at step boundaries, a re-run resumes and promotes with no canary left", async () => {
    for (const killAfter of [2, 4, 6]) {
      const ns = await restrictedNamespace(cluster, "resume");
      await runRollout(plan(ns, CANARY, GOOD_A), ports());
      const b = plan(ns, CANARY, GOOD_B);
      const first = await runRollout(b, ports(), { maxActions: killAfter });
      expect(first.verdict).toBe("interrupted");
      const state = (await find(cluster, ns, "service/hello-api")).metadata.annotations;
      expect(state["gantry.dev/rollout-revision"]).toBe(b.revision);
      const second = await runRollout(b, ports());
      expect(second.verdict, second.reason).toBe("promoted");
      // The re-run did not start over: its first action is not the start of a rollout.
      expect(second.actions[0]!.reason).not.toMatch(/^start the canary/);
      await expectStableOnly(ns, b, 4);
    }
  });

  it("status after a kill between moving the traffic and recording it reports the weight traffic is at", async () => {
    const ns = await restrictedNamespace(cluster, "kill-status");
    await runRollout(plan(ns, CANARY, GOOD_A), ports());
    const b = plan(ns, CANARY, GOOD_B);
    const cut = await runRollout(b, ports(), { maxActions: 3 });
    expect(cut.actions.at(-1), JSON.stringify(cut.actions)).toMatchObject({ kind: "scale", reason: "stable: 3 pod(s) at 25%" });
    // The stable's fourth pod goes; the ready-pod ratio the shared Service routes by is then 1 of 4.
    const deadline = Date.now() + 30_000;
    let now = await status(b, ports());
    while (now.trafficWeight !== 25 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      now = await status(b, ports());
    }
    expect(now.state?.weight).toBe(0);
    expect(now.trafficWeight, now.summary).toBe(25);
    expect(now.summary).toMatch(/weight 25% \(the state records 0%/);
    expect((await runRollout(b, ports())).verdict).toBe("promoted");
    await expectStableOnly(ns, b, 4);
  });

  it("killed right after deciding to abort, a re-run finishes the rollback", async () => {
    const bad = (ns: string) => plan(ns, { ...CANARY, progressDeadline: "5s" }, GOOD_B, "never-ready");
    // Where the abort is decided: counted on a twin namespace.
    const twin = await restrictedNamespace(cluster, "twin");
    await runRollout(plan(twin, CANARY, GOOD_A), ports());
    const kinds: string[] = [];
    await runRollout(bad(twin), ports(), { onAction: (x) => kinds.push(x.kind === "save" ? `save:${x.state.phase}` : x.kind) });
    const cut = kinds.indexOf("save:aborting") + 1;
    expect(cut).toBeGreaterThan(0);

    const ns = await restrictedNamespace(cluster, "reabort");
    const a = plan(ns, CANARY, GOOD_A);
    await runRollout(a, ports());
    expect((await runRollout(bad(ns), ports(), { maxActions: cut })).verdict).toBe("interrupted");
    expect((await find(cluster, ns, "service/hello-api")).metadata.annotations["gantry.dev/rollout-phase"]).toBe("aborting");
    expect(await deployment(ns, "hello-api-canary")).toBeDefined();
    expect((await runRollout(bad(ns), ports())).verdict).toBe("aborted");
    await expectStableOnly(ns, a, 4);
  });

  it("an indefinite pause waits for promote; abort by hand returns to stable", async () => {
    const gated = { replicas: 2, strategy: { type: "canary", steps: [{ setWeight: 50 }, { pause: {} }, { setWeight: 100 }] } };
    const ns = await restrictedNamespace(cluster, "gate");
    await runRollout(plan(ns, gated, GOOD_A), ports());
    const b = plan(ns, gated, GOOD_B);
    expect((await runRollout(b, ports())).verdict).toBe("paused");
    expect((await deployment(ns, "hello-api-canary")).status.readyReplicas).toBe(1);
    expect((await promote(b, ports())).verdict).toBe("promoted");
    await expectStableOnly(ns, b, 2);
    const c = plan(ns, gated, GOOD_C);
    expect((await runRollout(c, ports())).verdict).toBe("paused");
    expect((await abort(c, ports())).verdict).toBe("aborted");
    await expectStableOnly(ns, b, 2);
  });
});

describe("canary with traffic routers", () => {
  const gated = (router: unknown) => ({
    replicas: 2,
    ingress: { host: "api.example.com", className: "nginx" },
    strategy: { type: "canary", trafficRouter: router, steps: [{ setWeight: 30 }, { pause: {} }, { setWeight: 100 }] },
  });

  it("nginx: the canary Ingress carries canary-weight; promote removes it; abort removes it too", async () => {
    const ns = await restrictedNamespace(cluster, "nginx");
    await runRollout(plan(ns, gated("nginx"), GOOD_A), ports());
    const b = plan(ns, gated("nginx"), GOOD_B);
    expect((await runRollout(b, ports())).verdict).toBe("paused");
    const canary = await find(cluster, ns, "ingress/hello-api-canary");
    expect(canary.metadata.annotations).toMatchObject({ "nginx.ingress.kubernetes.io/canary": "true", "nginx.ingress.kubernetes.io/canary-weight": "30" });
    expect(canary.spec.rules[0].http.paths[0].backend.service.name).toBe("hello-api-canary");
    const promoted = await promote(b, ports());
    expect(promoted.verdict).toBe("promoted");
    expect(weightsOf(promoted)).toEqual([100, 0]);
    expect(await find(cluster, ns, "ingress/hello-api-canary")).toBeUndefined();
    await expectStableOnly(ns, b, 2);

    const c = plan(ns, gated("nginx"), GOOD_C);
    expect((await runRollout(c, ports())).verdict).toBe("paused");
    expect((await abort(c, ports())).verdict).toBe("aborted");
    expect(await find(cluster, ns, "ingress/hello-api-canary")).toBeUndefined();
    await expectStableOnly(ns, b, 2);
  });

  it("Gateway API: the HTTPRoute's backendRefs weights follow the steps, and go back to 100/0", async () => {
    const router = { type: "gatewayApi", gateway: "public", gatewayNamespace: "gateways" };
    const ns = await restrictedNamespace(cluster, "gateway");
    await runRollout(plan(ns, gated(router), GOOD_A), ports());
    const weights = async () => (await find(cluster, ns, "httproute/hello-api")).spec.rules[0].backendRefs.map((r: any) => [r.name, r.weight]);
    expect(await weights()).toEqual([
      ["hello-api", 100],
      ["hello-api-canary", 0],
    ]);
    const b = plan(ns, gated(router), GOOD_B);
    expect((await runRollout(b, ports())).verdict).toBe("paused");
    expect(await weights()).toEqual([
      ["hello-api", 70],
      ["hello-api-canary", 30],
    ]);
    expect((await promote(b, ports())).verdict).toBe("promoted");
    expect(await weights()).toEqual([
      ["hello-api", 100],
      ["hello-api-canary", 0],
    ]);
    await expectStableOnly(ns, b, 2);

    const c = plan(ns, gated(router), GOOD_C);
    expect((await runRollout(c, ports())).verdict).toBe("paused");
    expect((await abort(c, ports())).verdict).toBe("aborted");
    expect(await weights()).toEqual([
      ["hello-api", 100],
      ["hello-api-canary", 0],
    ]);
    await expectStableOnly(ns, b, 2);
  });
});

describe("Gateway API canaryMatch on the real API server (the CRDs validate the rules)", () => {
  it("a header and a cookie send chosen requests to the canary once it is ready; promote and abort remove the rule", async () => {
    const router = {
      type: "gatewayApi",
      gateway: "public",
      gatewayNamespace: "gateways",
      canaryMatch: { headers: [{ name: "x-canary", value: "always" }], cookie: { name: "beta", value: "on" } },
    };
    const raw = {
      replicas: 2,
      ingress: { host: "api.example.com" },
      strategy: { type: "canary", trafficRouter: router, steps: [{ setWeight: 10 }, { pause: {} }, { setWeight: 100 }] },
    };
    const ns = await restrictedNamespace(cluster, "gateway-match");
    const rules = async () =>
      (await find(cluster, ns, "httproute/hello-api")).spec.rules.map((r: any) => ({
        headers: r.matches[0].headers,
        to: r.backendRefs.map((b: any) => [b.name, b.weight]),
      }));
    const splitOnly = [
      {
        headers: undefined,
        to: [
          ["hello-api", 100],
          ["hello-api-canary", 0],
        ],
      },
    ];
    await runRollout(plan(ns, raw, GOOD_A), ports());
    expect(await rules()).toEqual(splitOnly);

    const b = plan(ns, raw, GOOD_B);
    expect((await runRollout(b, ports())).verdict).toBe("paused");
    expect(await rules()).toEqual([
      {
        headers: [
          { type: "Exact", name: "x-canary", value: "always" },
          { type: "RegularExpression", name: "Cookie", value: "(^|;\\s*)beta=on(;|$)" },
        ],
        // The API server fills in the default weight, 1: the canary alone.
        to: [["hello-api-canary", 1]],
      },
      {
        headers: undefined,
        to: [
          ["hello-api", 90],
          ["hello-api-canary", 10],
        ],
      },
    ]);
    expect((await status(b, ports())).trafficWeight).toBe(10);
    // The CRD checks what the schema checks: a header name that is no token is refused.
    const live = await find(cluster, ns, "httproute/hello-api");
    live.spec.rules[0].matches[0].headers[0].name = "x canary";
    const refused = await cluster.kubectl(["apply", "--server-side", "--dry-run=server", "--force-conflicts", "-f", "-"], {
      namespace: ns,
      input: JSON.stringify({ apiVersion: live.apiVersion, kind: live.kind, metadata: { name: live.metadata.name }, spec: live.spec }),
    });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/headers\[0\]\.name.*should match/);
    expect((await promote(b, ports())).verdict).toBe("promoted");
    expect(await rules()).toEqual(splitOnly);
    await expectStableOnly(ns, b, 2);

    const c = plan(ns, raw, GOOD_C);
    expect((await runRollout(c, ports())).verdict).toBe("paused");
    expect(await rules()).toHaveLength(2);
    expect((await abort(c, ports())).verdict).toBe("aborted");
    expect(await rules()).toEqual(splitOnly);
    await expectStableOnly(ns, b, 2);
  });
});

describe("a namespace that does not exist", () => {
  const ROLLING = { replicas: 2, strategy: { type: "rolling" } };
  let missing = 0;
  const unusedName = () => `missing-${process.pid}-${++missing}`;
  const namespaceObject = (ns: string) => cluster.kubectl(["get", "namespace", ns, "-o", "json"]);

  it("without createNamespace, the deploy fails naming the setting, and creates nothing", async () => {
    const ns = unusedName();
    const report = await runRollout(plan(ns, ROLLING, GOOD_A), ports());
    expect(report.verdict).toBe("error");
    expect(report.reason).toBe(
      `namespace ${ns} of environment staging does not exist: create it, or set createNamespace: true under environments.staging in the pipeline file to have the deploy create it (with the Pod Security "restricted" labels)`,
    );
    expect((await namespaceObject(ns)).status).not.toBe(0);
  });

  it("with createNamespace, the deploy creates it with the Pod Security labels, which the API server then enforces", async () => {
    const ns = unusedName();
    const report = await runRollout(plan(ns, { ...ROLLING, createNamespace: true }, GOOD_A), ports());
    expect(report.verdict, report.reason).toBe("promoted");
    const created = JSON.parse((await namespaceObject(ns)).stdout);
    expect(created.metadata.labels).toMatchObject({
      "app.kubernetes.io/managed-by": "gantry",
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/enforce-version": "latest",
      "pod-security.kubernetes.io/audit": "restricted",
      "pod-security.kubernetes.io/audit-version": "latest",
      "pod-security.kubernetes.io/warn": "restricted",
      "pod-security.kubernetes.io/warn-version": "latest",
    });
    expect((await deployment(ns, "hello-api")).status.readyReplicas).toBe(2);
    // Admission enforces the labels: a privileged pod is refused there (server-side dry-run).
    const privileged = `apiVersion: v1\nkind: Pod\nmetadata: {name: privileged, namespace: ${ns}}\nspec: {containers: [{name: c, image: busybox, securityContext: {privileged: true}}]}\n`;
    const refused = await cluster.kubectl(["apply", "--server-side", "--dry-run=server", "-f", "-"], { input: privileged });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/violates PodSecurity "restricted:latest"/);
  });

  it("with createNamespace, an existing namespace is left as it is", async () => {
    const ns = await restrictedNamespace(cluster, "existing");
    const before = JSON.parse((await namespaceObject(ns)).stdout).metadata;
    const report = await runRollout(plan(ns, { ...ROLLING, createNamespace: true }, GOOD_A), ports());
    expect(report.verdict, report.reason).toBe("promoted");
    const after = JSON.parse((await namespaceObject(ns)).stdout).metadata;
    expect(after.labels).toEqual(before.labels);
    expect(after.resourceVersion).toBe(before.resourceVersion);
  });
});

describe("Gateway API sessionAffinity needs the experimental channel", () => {
  it("the standard channel's HTTPRoute has no sessionPersistence: the API server refuses it (test/host/kube-gateway-ab.test.ts runs it on the experimental CRDs)", async () => {
    const ns = await restrictedNamespace(cluster, "standard-sessions");
    const raw = {
      replicas: 2,
      ingress: { host: "api.example.com" },
      strategy: { type: "canary", trafficRouter: { type: "gatewayApi", gateway: "public" }, sessionAffinity: { cookie: {} } },
    };
    const route = renderEnvironment(plan(ns, raw, GOOD_A)).find((o) => o.kind === "HTTPRoute")!;
    const refused = await dryRun(cluster, ns, route);
    expect(refused.accepted).toBe(false);
    expect(refused.stderr).toMatch(/\.spec\.rules\[0\]\.sessionPersistence: field not declared in schema/);
  });
});

describe("blue-green", () => {
  const bg = { replicas: 2, strategy: { type: "blueGreen", scaleDownDelay: "2s" } };
  const colour = async (ns: string) => (await find(cluster, ns, "service/hello-api")).spec.selector["gantry.dev/track"];

  it("promotes: green comes up, the Service switches, blue is scaled down after the delay", async () => {
    const ns = await restrictedNamespace(cluster, "bluegreen");
    await runRollout(plan(ns, bg, GOOD_A), ports());
    expect(await colour(ns)).toBe("blue");
    const b = plan(ns, bg, GOOD_B);
    const report = await runRollout(b, ports());
    expect(report.verdict, report.reason).toBe("promoted");
    expect(await colour(ns)).toBe("green");
    expect(revision(await deployment(ns, "hello-api-green"))).toBe(b.revision);
    expect((await deployment(ns, "hello-api-blue")).spec.replicas).toBe(0);
    expect((await find(cluster, ns, "service/hello-api-preview")).spec.selector["gantry.dev/track"]).toBe("green");
  });

  it("a never-ready colour is aborted before the switch: the Service stays, the new colour goes to 0", async () => {
    const ns = await restrictedNamespace(cluster, "bgabort");
    const a = plan(ns, bg, GOOD_A);
    await runRollout(a, ports());
    const report = await runRollout(plan(ns, { ...bg, progressDeadline: "8s" }, GOOD_B, "never-ready"), ports());
    expect(report.verdict).toBe("aborted");
    expect(await colour(ns)).toBe("blue");
    expect((await deployment(ns, "hello-api-green")).spec.replicas).toBe(0);
    const blue = await deployment(ns, "hello-api-blue");
    expect(revision(blue)).toBe(a.revision);
    expect(blue.status.readyReplicas).toBe(2);
  });
});

describe("rolling", () => {
  const rolling = (greeting: string) => ({ replicas: 2, config: { GREETING: greeting } });

  it("rolls out, and a failing rollout is undone, restoring the previous ConfigMap", async () => {
    const ns = await restrictedNamespace(cluster, "rolling");
    const a = plan(ns, rolling("hello"), GOOD_A);
    expect((await runRollout(a, ports())).verdict).toBe("promoted");
    const b = plan(ns, rolling("bonjour"), GOOD_B);
    expect((await runRollout(b, ports())).verdict).toBe("promoted");
    const bad = plan(ns, { ...rolling("broken"), progressDeadline: "8s" }, GOOD_C, "never-ready");
    const report = await runRollout(bad, ports());
    expect(report.verdict).toBe("aborted");
    expect(report.actions.map((x) => x.kind)).toContain("undo");
    const d = await deployment(ns, "hello-api");
    expect(revision(d)).toBe(b.revision);
    expect(d.spec.template.spec.containers[0].envFrom[0].configMapRef.name).toBe(configMapName(b.workload));
    const cm = await find(cluster, ns, `configmap/${configMapName(b.workload)}`);
    expect(cm.data).toEqual({ GREETING: "bonjour" });
  });
});

// promtool of the Prometheus scripts/install-prometheus.sh builds, else Debian's.
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const PROMETHEUS_VERSION = /^VERSION=(\S+)$/m.exec(readFileSync(join(repoRoot, "scripts", "install-prometheus.sh"), "utf8"))![1]!;
const PROMTOOL = [join(repoRoot, ".tools", "prometheus", PROMETHEUS_VERSION, "bin", "promtool"), "/usr/bin/promtool"].find((p) => existsSync(p));

describe("release history, marks and notifications over a sequence of real rollouts", () => {
  const SIMPLE = { replicas: 2, strategy: { type: "canary", steps: [{ setWeight: 50 }, { setWeight: 100 }] } };

  it("history reports the four delivery metrics; each step reaches Grafana (recording simulation) and promtool accepts every pushed exposition", async () => {
    if (!PROMTOOL) throw new Error("promtool is missing: run scripts/install-prometheus.sh (or apt-get install prometheus)");
    const ns = await restrictedNamespace(cluster, "history");
    // A recording simulation of Grafana's annotation API and of a Pushgateway: real HTTP on loopback, recording each request.
    const grafana = await startReceiver(() => ({ status: 200, body: '{"id":1,"message":"Annotation added"}' }));
    const pushgateway = await startReceiver(() => ({ status: 200 }));
    const webhook = await startReceiver();
    const realPushgateway = await startPushgateway();
    const marker = httpMarker(fetchHttp, [
      { kind: "grafana", url: `${grafana.url}/`, token: "glsa_test_token" },
      { kind: "pushgateway", url: pushgateway.url },
      { kind: "pushgateway", url: realPushgateway.url },
    ]);
    const notifier = httpNotifier(fetchHttp, [{ kind: "webhook", url: webhook.url }]);
    const hour = 3_600_000;
    try {
      const start = Date.now();
      expect((await runRollout(plan(ns, SIMPLE, GOOD_A, undefined, start - 3 * hour), ports())).verdict).toBe("promoted");
      const b = await runRollout(plan(ns, SIMPLE, GOOD_B, undefined, start - 2 * hour), ports({ marker, notifier }));
      expect(b.verdict, b.reason).toBe("promoted");
      const c = await runRollout(plan(ns, { ...SIMPLE, progressDeadline: "6s" }, GOOD_C, "never-ready", start - hour), ports({ notifier }));
      expect(c.verdict, c.reason).toBe("aborted");
      const d = plan(ns, SIMPLE, image("d"), undefined, start - hour);
      expect((await runRollout(d, ports())).verdict).toBe("promoted");

      // One message per outcome: B promoted, C aborted.
      expect(webhook.requests.map((r) => JSON.parse(r.body).event)).toEqual(["promoted", "aborted"]);
      expect(JSON.parse(webhook.requests[1]!.body).reason).toMatch(/canary not ready/);

      const entries = await history(d, ports());
      expect(entries.map((e) => [e.image, e.outcome])).toEqual([
        [GOOD_A, "promoted"],
        [GOOD_B, "promoted"],
        [GOOD_C, "aborted"],
        [image("d"), "promoted"],
      ]);
      const m = deliveryMetrics(entries, { service: "hello-api", environment: "staging", now: Date.now() });
      expect(m).toMatchObject({ rollouts: 4, promoted: 3, aborted: 1, changeFailureRate: 0.25, leadTime: { measured: 3 }, timeToRestore: { measured: 1 } });
      expect(m.deploymentsPerDay).toBe(3); // a period shorter than a day counts as one day
      expect(m.leadTime.medianMs).toBeGreaterThan(2 * hour);
      expect(m.leadTime.medianMs).toBeLessThan(3 * hour);
      expect(m.timeToRestore.medianMs).toBeGreaterThan(6_000); // the readiness deadline, then the rollback
      const md = deliveryMarkdown(m);
      for (const row of [
        "Deployment frequency | 3.00 per day",
        "Lead time for changes | 2h",
        "Change failure rate | 25.0% | 1 aborted of 4",
        "Time to restore |",
      ])
        expect(md).toContain(row);

      // Grafana: one annotation per step of B, with the token, the time, the tags and the weight.
      expect(grafana.requests.length).toBeGreaterThanOrEqual(4);
      for (const r of grafana.requests) {
        expect([r.method, r.path, r.headers.authorization, r.headers["content-type"]]).toEqual([
          "POST",
          "/api/annotations",
          "Bearer glsa_test_token",
          "application/json",
        ]);
        const body = JSON.parse(r.body);
        expect(body.tags).toEqual(expect.arrayContaining([ANNOTATION_TAG, "service:hello-api", "environment:staging"]));
        expect(body.time).toBeGreaterThanOrEqual(start);
        expect(body.text).toMatch(/weight \d+%/);
      }
      const texts = grafana.requests.map((r) => JSON.parse(r.body));
      expect(texts.map((t) => t.text.match(/weight (\d+)%/)![1])).toEqual(expect.arrayContaining(["50", "100"]));
      expect(texts.at(-1)!.tags).toContain("verdict:promoted");

      // The Pushgateway got the same steps as text exposition, each accepted by the real promtool.
      expect(pushgateway.requests).toHaveLength(grafana.requests.length);
      expect(b.deliveries!.map((x) => x.target).filter((t) => t === "pushgateway")).toHaveLength(2 * grafana.requests.length);
      for (const r of pushgateway.requests) {
        expect([r.method, r.path]).toEqual(["POST", "/metrics/job/gantry/service/hello-api/environment/staging"]);
        const checked = spawnSync(PROMTOOL, ["check", "metrics"], { input: r.body, encoding: "utf8" });
        expect(checked.status, checked.stdout + checked.stderr).toBe(0);
        expect(r.body).toContain(`${RELEASE_METRICS.canaryWeight.name}{service="hello-api",environment="staging",namespace="${ns}"}`);
      }
      const checkedReport = spawnSync(PROMTOOL, ["check", "metrics"], { input: b.exposition, encoding: "utf8" });
      expect(checkedReport.status, checkedReport.stderr).toBe(0);
      // The real Pushgateway took every push and serves B's last step under its group.
      expect(b.deliveries!.filter((x) => x.target === "pushgateway").every((x) => x.ok)).toBe(true);
      const served = await realPushgateway.metrics();
      expect(served).toMatch(new RegExp(`gantry_rollout_canary_weight\\{[^}]*environment="staging"[^}]*job="gantry"[^}]*service="hello-api"\\} 0`));
      expect(served).toMatch(/gantry_rollout_step_verdict\{[^}]*verdict="promoted"\} 1/);
    } finally {
      await Promise.all([grafana.stop(), pushgateway.stop(), webhook.stop(), realPushgateway.stop()]);
    }
  });
});
