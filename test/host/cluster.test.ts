// A real control plane (etcd, kube-apiserver, controller manager, scheduler; kwok for the
// kubelets) driven through its own kubectl: the behaviours Gantry's rollouts rely on.
import { readdirSync, readFileSync } from "node:fs";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments, stringify } from "yaml";

import { startCluster, type Cluster } from "../support/cluster.js";
import type { Ran } from "../support/run.js";

const POLL_LIMIT_MS = 60_000;

let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster();
});

afterAll(async () => {
  await cluster?.stop();
});

function ok(ran: Ran, what: string): string {
  expect(ran.status, `${what}: ${ran.stderr}`).toBe(0);
  return ran.stdout;
}

async function kubectl(args: string[], opts: { input?: string; namespace?: string } = {}): Promise<string> {
  return ok(await cluster.kubectl(args, opts), `kubectl ${args.join(" ")}`);
}

async function getJson<T = any>(args: string[], namespace?: string): Promise<T> {
  return JSON.parse(await kubectl(["get", ...args, "-o", "json"], { namespace })) as T;
}

async function apply(manifest: object | object[], namespace?: string, extra: string[] = []): Promise<string> {
  const docs = Array.isArray(manifest) ? manifest : [manifest];
  return kubectl(["apply", ...extra, "-f", "-"], { input: docs.map((d) => stringify(d)).join("---\n"), namespace });
}

/** Polls until `read` gives a value `accept` takes; fails with the last value after POLL_LIMIT_MS. */
async function poll<T>(what: string, read: () => Promise<T>, accept: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + POLL_LIMIT_MS;
  let last: T = await read();
  while (!accept(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: still not there; last value ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
    last = await read();
  }
  return last;
}

/** A namespace whose default service account exists (pods are refused before it does). */
async function namespace(name: string, labels: Record<string, string> = {}): Promise<string> {
  await apply({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels } });
  await poll(
    `service account default in ${name}`,
    () => cluster.kubectl(["get", "serviceaccount", "default"], { namespace: name }),
    (r) => r.status === 0,
  );
  return name;
}

function deployment(name: string, image: string, options: { replicas?: number; podLabels?: Record<string, string> } = {}) {
  const labels = { app: name };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, labels },
    spec: {
      replicas: options.replicas ?? 3,
      selector: { matchLabels: labels },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: { ...labels, ...options.podLabels } },
        spec: { containers: [{ name: "app", image, ports: [{ containerPort: 8080 }] }] },
      },
    },
  };
}

interface PodInfo {
  name: string;
  phase: string;
  ready: string | undefined;
  restarts: number[];
  waiting: (string | undefined)[];
}

async function pods(namespace: string, selector: string): Promise<PodInfo[]> {
  const list = await getJson<{ items: any[] }>(["pods", "-l", selector], namespace);
  return list.items.map((p) => ({
    name: p.metadata.name,
    phase: p.status.phase,
    ready: p.status.conditions?.find((c: any) => c.type === "Ready")?.status,
    restarts: (p.status.containerStatuses ?? []).map((c: any) => c.restartCount),
    waiting: (p.status.containerStatuses ?? []).map((c: any) => c.state?.waiting?.reason),
  }));
}

describe("control plane", () => {
  it("serves the version it was built as, with every fake node Ready", async () => {
    const version = JSON.parse(await kubectl(["version", "-o", "json"]));
    expect(version.serverVersion.gitVersion).toBe(cluster.kubeVersion);
    expect(version.clientVersion.gitVersion).toBe(cluster.kubeVersion);
    const nodes = await getJson<{ items: any[] }>(["nodes"]);
    expect(nodes.items.length).toBeGreaterThan(0);
    for (const node of nodes.items) {
      expect(node.metadata.annotations["kwok.x-k8s.io/node"], node.metadata.name).toBe("fake");
      expect(node.status.conditions.find((c: any) => c.type === "Ready")?.status, node.metadata.name).toBe("True");
      expect(Number(node.status.allocatable.pods), node.metadata.name).toBeGreaterThan(0);
    }
  });

  it("answers /readyz with every check passing", async () => {
    const readyz = await kubectl(["get", "--raw", "/readyz?verbose"]);
    expect(readyz).toMatch(/readyz check passed/);
    expect(readyz).not.toMatch(/\[-\]/);
  });
});

describe("deployments", () => {
  const ns = "rollout";
  let firstReplicaSet: string;

  beforeAll(async () => {
    await namespace(ns);
  });

  it("rolls out: pods scheduled on the fake nodes become Ready and rollout status succeeds", async () => {
    await apply(deployment("hello", "registry.example/hello-api:1.0.0"), ns);
    const status = await kubectl(["rollout", "status", "deployment/hello", "--timeout=90s"], { namespace: ns });
    expect(status).toMatch(/successfully rolled out/);
    const running = await pods(ns, "app=hello");
    expect(running).toHaveLength(3);
    for (const pod of running) expect([pod.phase, pod.ready], pod.name).toEqual(["Running", "True"]);
    const scheduled = await getJson<{ items: any[] }>(["pods", "-l", "app=hello"], ns);
    for (const pod of scheduled.items) expect(pod.spec.nodeName, pod.metadata.name).toMatch(/^kwok-node-/);
    const sets = await getJson<{ items: any[] }>(["replicasets", "-l", "app=hello"], ns);
    expect(sets.items).toHaveLength(1);
    firstReplicaSet = sets.items[0].metadata.name;
  });

  it("updates to a new image through a new ReplicaSet", async () => {
    await kubectl(["set", "image", "deployment/hello", "app=registry.example/hello-api:1.1.0"], { namespace: ns });
    ok(await cluster.kubectl(["rollout", "status", "deployment/hello", "--timeout=90s"], { namespace: ns }), "rollout status");
    const sets = (await getJson<{ items: any[] }>(["replicasets", "-l", "app=hello"], ns)).items;
    expect(sets).toHaveLength(2);
    const active = sets.filter((rs) => rs.spec.replicas > 0);
    expect(active).toHaveLength(1);
    expect(active[0].metadata.name).not.toBe(firstReplicaSet);
    expect(active[0].spec.template.spec.containers[0].image).toBe("registry.example/hello-api:1.1.0");
    expect(active[0].status.readyReplicas).toBe(3);
    const deploy = await getJson(["deployment", "hello"], ns);
    expect(deploy.metadata.annotations["deployment.kubernetes.io/revision"]).toBe("2");
    const history = await kubectl(["rollout", "history", "deployment/hello"], { namespace: ns });
    expect(history).toMatch(/^1\s/m);
    expect(history).toMatch(/^2\s/m);
  });

  it("goes back with rollout undo, reusing the first ReplicaSet", async () => {
    await kubectl(["rollout", "undo", "deployment/hello"], { namespace: ns });
    ok(await cluster.kubectl(["rollout", "status", "deployment/hello", "--timeout=90s"], { namespace: ns }), "rollout status");
    const deploy = await getJson(["deployment", "hello"], ns);
    expect(deploy.spec.template.spec.containers[0].image).toBe("registry.example/hello-api:1.0.0");
    expect(deploy.metadata.annotations["deployment.kubernetes.io/revision"]).toBe("3");
    const active = (await getJson<{ items: any[] }>(["replicasets", "-l", "app=hello"], ns)).items.filter((rs) => rs.spec.replicas > 0);
    expect(active.map((rs) => rs.metadata.name)).toEqual([firstReplicaSet]);
    expect(active[0].status.readyReplicas).toBe(3);
  });
});

describe("server-side apply", () => {
  const ns = "ssa";
  const configMap = (data: Record<string, string>) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings" }, data });

  beforeAll(async () => {
    await namespace(ns);
  });

  it("records the field manager and refuses another manager's conflicting change", async () => {
    await apply(configMap({ color: "blue", size: "3" }), ns, ["--server-side", "--field-manager=gantry"]);
    const stored = await getJson(["configmap", "settings", "--show-managed-fields"], ns);
    const managers = stored.metadata.managedFields.map((f: any) => [f.manager, f.operation]);
    expect(managers).toContainEqual(["gantry", "Apply"]);
    const gantryFields = stored.metadata.managedFields.find((f: any) => f.manager === "gantry").fieldsV1;
    expect(Object.keys(gantryFields["f:data"]).sort()).toEqual(["f:color", "f:size"]);

    const conflicting = await cluster.kubectl(["apply", "--server-side", "--field-manager=someone-else", "-f", "-"], {
      namespace: ns,
      input: stringify(configMap({ color: "red" })),
    });
    expect(conflicting.status).not.toBe(0);
    expect(conflicting.stderr).toMatch(/conflict/i);
    expect(conflicting.stderr).toMatch(/gantry/);
    expect((await getJson(["configmap", "settings"], ns)).data.color).toBe("blue");
  });

  it("takes a field over with --force-conflicts", async () => {
    await apply(configMap({ color: "red" }), ns, ["--server-side", "--field-manager=someone-else", "--force-conflicts"]);
    const stored = await getJson(["configmap", "settings", "--show-managed-fields"], ns);
    expect(stored.data).toEqual({ color: "red", size: "3" });
    const owners = Object.fromEntries(stored.metadata.managedFields.map((f: any) => [f.manager, Object.keys(f.fieldsV1["f:data"] ?? {})]));
    expect(owners["someone-else"]).toEqual(["f:color"]);
    expect(owners["gantry"]).toEqual(["f:size"]);
  });

  it("dry-runs on the server: the answer shows the change, the object keeps its value", async () => {
    const before = await getJson(["configmap", "settings"], ns);
    const answer = JSON.parse(
      await apply(configMap({ color: "red", size: "5" }), ns, [
        "--server-side",
        "--field-manager=someone-else",
        "--force-conflicts",
        "--dry-run=server",
        "-o",
        "json",
      ]),
    );
    expect(answer.data.size).toBe("5");
    const after = await getJson(["configmap", "settings"], ns);
    expect(after.data).toEqual(before.data);
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  it("rejects an invalid object at dry-run, before anything is stored", async () => {
    const bad = deployment("Bad_Name", "registry.example/hello-api:1.0.0");
    const ran = await cluster.kubectl(["apply", "--server-side", "--dry-run=server", "-f", "-"], { namespace: ns, input: stringify(bad) });
    expect(ran.status).not.toBe(0);
    expect(ran.stderr).toMatch(/Invalid value: "Bad_Name"/);
    expect((await cluster.kubectl(["get", "deployment", "Bad_Name"], { namespace: ns })).status).not.toBe(0);
  });
});

describe("pod security admission", () => {
  const ns = "restricted";
  const pod = (name: string, container: object) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name },
    spec: { containers: [{ name: "app", image: "registry.example/hello-api:1.0.0", ...container }] },
  });

  beforeAll(async () => {
    await namespace(ns, { "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "latest" });
  });

  it("refuses a privileged pod in a restricted namespace, naming the violations", async () => {
    const ran = await cluster.kubectl(["apply", "-f", "-"], { namespace: ns, input: stringify(pod("privileged", { securityContext: { privileged: true } })) });
    expect(ran.status).not.toBe(0);
    expect(ran.stderr).toMatch(/violates PodSecurity "restricted:latest"/);
    expect(ran.stderr).toMatch(/privileged/);
    expect((await cluster.kubectl(["get", "pod", "privileged"], { namespace: ns })).status).not.toBe(0);
  });

  it("accepts a compliant pod, which kwok then runs", async () => {
    const compliant = pod("compliant", {
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 65532,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
      },
    });
    await apply(compliant, ns);
    await kubectl(["wait", "--for=condition=Ready", "pod/compliant", "--timeout=60s"], { namespace: ns });
  });
});

describe("simulated bad pods (kwok stages in scripts/kwok)", () => {
  const ns = "canary";

  beforeAll(async () => {
    await namespace(ns);
  });

  it("never-ready pods run but stay NotReady, so the rollout never completes", async () => {
    await apply(deployment("stuck", "registry.example/hello-api:2.0.0", { replicas: 2, podLabels: { "gantry.dev/simulate": "never-ready" } }), ns);
    const running = await poll(
      "never-ready pods Running",
      () => pods(ns, "app=stuck"),
      (p) => p.length === 2 && p.every((x) => x.phase === "Running"),
    );
    for (const pod of running) expect(pod.ready, pod.name).toBe("False");
    const status = await cluster.kubectl(["rollout", "status", "deployment/stuck", "--timeout=3s"], { namespace: ns });
    expect(status.status).not.toBe(0);
    expect(status.stdout + status.stderr).toMatch(/0 of 2 updated replicas are available|timed out/);
    const deploy = await getJson(["deployment", "stuck"], ns);
    expect(deploy.status.readyReplicas ?? 0).toBe(0);
    expect(deploy.status.unavailableReplicas).toBe(2);
    for (const pod of await pods(ns, "app=stuck")) expect([pod.phase, pod.ready], pod.name).toEqual(["Running", "False"]);
  });

  it("crashloop pods show climbing restarts and are never Ready", async () => {
    await apply(deployment("crashing", "registry.example/hello-api:2.0.0", { replicas: 1, podLabels: { "gantry.dev/simulate": "crashloop" } }), ns);
    const seen: number[] = [];
    const [pod] = await poll(
      "crashloop restarts",
      async () => {
        const list = await pods(ns, "app=crashing");
        if (list[0]) seen.push(list[0].restarts[0] ?? 0);
        return list;
      },
      (p) => p.length === 1 && (p[0]!.restarts[0] ?? 0) >= 3,
    );
    expect(pod!.phase).toBe("Running");
    expect(pod!.ready).toBe("False");
    expect(pod!.waiting).toEqual(["CrashLoopBackOff"]);
    // The count only ever goes up.
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(Math.max(...seen)).toBeGreaterThan(Math.min(...seen));
  });

  it("leaves ordinary pods alone: they become Ready next to the simulated ones", async () => {
    await apply(deployment("fine", "registry.example/hello-api:1.0.0", { replicas: 1 }), ns);
    ok(await cluster.kubectl(["rollout", "status", "deployment/fine", "--timeout=60s"], { namespace: ns }), "rollout status");
  });
});

describe("Gateway API", () => {
  const ns = "gateway";

  beforeAll(async () => {
    await namespace(ns);
  });

  it("installs the standard CRDs", async () => {
    const docs = parseAllDocuments(readFileSync(cluster.gatewayApiCrds, "utf8"))
      .map((d) => d.toJS())
      .filter(Boolean);
    const crds = docs.filter((d) => d.kind === "CustomResourceDefinition").map((d) => d.metadata.name as string);
    expect(crds).toContain("httproutes.gateway.networking.k8s.io");
    // Too large for client-side apply's last-applied annotation. The file also holds the
    // ValidatingAdmissionPolicy that guards the CRDs against downgrades.
    await kubectl(["apply", "--server-side", "-f", cluster.gatewayApiCrds]);
    const names = crds.map((name) => `crd/${name}`);
    await kubectl(["wait", "--for=condition=Established", ...names, "--timeout=60s"]);
    const route = await getJson(["crd", "httproutes.gateway.networking.k8s.io"]);
    expect(route.metadata.annotations["gateway.networking.k8s.io/bundle-version"]).toBe(cluster.gatewayApiVersion);
    expect(route.metadata.annotations["gateway.networking.k8s.io/channel"]).toBe("standard");
  });

  const httpRoute = (weights: [number, number]) => ({
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name: "hello" },
    spec: {
      parentRefs: [{ name: "public" }],
      rules: [
        {
          backendRefs: [
            { name: "hello-stable", port: 80, weight: weights[0] },
            { name: "hello-canary", port: 80, weight: weights[1] },
          ],
        },
      ],
    },
  });

  it("accepts an HTTPRoute splitting traffic between two weighted backends", async () => {
    await apply(httpRoute([90, 10]), ns, ["--server-side", "--field-manager=gantry"]);
    const stored = await getJson(["httproute", "hello"], ns);
    expect(stored.spec.rules[0].backendRefs.map((b: any) => [b.name, b.weight])).toEqual([
      ["hello-stable", 90],
      ["hello-canary", 10],
    ]);
  });

  it("validates weights with the CRD's schema", async () => {
    const ran = await cluster.kubectl(["apply", "--server-side", "--field-manager=gantry", "-f", "-"], {
      namespace: ns,
      input: stringify(httpRoute([90, -1])),
    });
    expect(ran.status).not.toBe(0);
    expect(ran.stderr).toMatch(/weight/);
    expect((await getJson(["httproute", "hello"], ns)).spec.rules[0].backendRefs[1].weight).toBe(10);
  });
});

describe("harness", () => {
  it("runs a second cluster beside the first and stops every one of its processes", async () => {
    const second = await startCluster();
    const pids = readdirSync(second.dir)
      .filter((f) => f.endsWith(".pid"))
      .map((f) => Number(readFileSync(`${second.dir}/${f}`, "utf8")));
    expect(pids.length).toBeGreaterThanOrEqual(5);
    expect(second.server).not.toBe(cluster.server);
    const nodes = await second.kubectl(["get", "nodes", "-o", "name"]);
    expect(nodes.stdout).toMatch(/node\/kwok-node-/);
    await second.stop();
    // An exited process may linger as a zombie until init reaps it: that is not running.
    const alive = pids.filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/stat`, "utf8").split(" ")[2] !== "Z";
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
    // The first cluster is untouched.
    expect((await cluster.kubectl(["get", "--raw", "/readyz"])).stdout).toBe("ok");
  });
});
