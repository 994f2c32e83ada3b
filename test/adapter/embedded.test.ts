// Wiring of `demo` (dagger/embedded.ts) against the Dagger SIMULATION: which services
// it starts, how they are bound and what fails first. The pieces' command lines run for real in
// test/host/embedded-*.test.ts; the rollouts on a real control plane in test/host/embedded-demo.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import type { Directory } from "@dagger.io/dagger";
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@dagger.io/dagger", () => import("../support/dagger-simulation.js"));

import { demoTrafficArgv } from "../../core/embedded/demo-objects.js";
import type { Ran } from "../../core/kube/ports.js";
import { embeddedDeploy } from "../../dagger/embedded.js";
import { pieceImages } from "../../core/embedded/pieces.js";
import { callInput, stageContext } from "../../src/call.js";
import { rolloutObject } from "../../src/environment.js";
import { Gantry } from "../../src/index.js";
import { ExecError, simulation, type SimNode } from "../support/dagger-simulation.js";
import { ClusterSimulation, FakeClock } from "../support/kube-simulation.js";

const EXAMPLE = fileURLToPath(new URL("../../examples/hello-api/", import.meta.url));
const IMAGE = `gantry-registry:5000/hello-api@sha256:${"e".repeat(64)}`;
const KUBECONFIG = [
  "apiVersion: v1",
  "kind: Config",
  "current-context: default",
  "contexts: [{name: default, context: {cluster: default, user: default}}]",
  `clusters: [{name: default, cluster: {server: "https://127.0.0.1:6443", certificate-authority-data: ${Buffer.from("-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n").toString("base64")}}}]`,
  `users: [{name: default, user: {client-certificate-data: ${Buffer.from("-----BEGIN CERTIFICATE-----\nCERT\n-----END CERTIFICATE-----\n").toString("base64")}, client-key-data: ${Buffer.from("-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n").toString("base64")}}}]`,
].join("\n");

function repository(staging = "{namespace: hello-staging, replicas: 4, strategy: {type: canary}}"): Directory {
  const root = mkdtempSync(join(tmpdir(), "gantry-embedded-"));
  cpSync(EXAMPLE, join(root, "examples/hello-api"), { recursive: true });
  mkdirSync(join(root, "pipelines"));
  writeFileSync(join(root, "pipelines/gantry.yaml"), `name: hello-api\nsource: examples/hello-api\nenvironments:\n  staging: ${staging}\n`);
  return simulation.hostDirectory(root);
}

/**
 * Answers the demo's containers: the kubeconfig k3s wrote, every kubectl call by the kubectl
 * SIMULATION (test/support/kube-simulation.ts), and every Prometheus query with `errorRate` (p99 50 ms).
 */
function answerDemo(errorRate: number): void {
  const cluster = new ClusterSimulation(new FakeClock());
  const kubectl = new Map<SimNode, Promise<Ran>>();
  const vector = (v: number) =>
    JSON.stringify({ status: "success", data: { resultType: "vector", result: [{ metric: {}, value: [1_700_000_000, String(v)] }] } });
  simulation.reset((q) => {
    const exec = q.on?.lastExec();
    if (!exec || !["exitCode", "stdout", "stderr"].includes(q.method)) return undefined;
    const [tool] = exec.argv as string[];
    if (tool === "sh" && String(exec.argv[2]).includes("kubeconfig.yaml")) return q.method === "stdout" ? KUBECONFIG : undefined;
    if (tool === "kubectl") {
      if (!kubectl.has(q.on!)) kubectl.set(q.on!, cluster.run(exec.argv as string[], exec.options.stdin as string | undefined));
      return kubectl.get(q.on!)!.then((r) => (q.method === "exitCode" ? r.status : q.method === "stdout" ? r.stdout : r.stderr));
    }
    if (tool === "wget")
      return q.method === "exitCode"
        ? 0
        : q.method === "stdout"
          ? vector(String(exec.argv[4]).includes("histogram_quantile") ? 0.05 : String(exec.argv[4]).includes("increase(") ? 600 : errorRate)
          : "";
    return undefined;
  });
}

/** The environment with its own analysis, measured every 100 ms: the loop's timing is not under test. */
const MEASURED =
  "{namespace: hello-staging, replicas: 4, strategy: {type: canary}, analysis: {prometheus: 'http://unused:9090', interval: 100ms, window: 30s}}";

const serviceOf = (ctr: SimNode, alias: string) =>
  simulation.node(ctr.chain().find((n) => n.call.method === "withServiceBinding" && n.call.args[0] === alias)!.call.args[1]);

const gantry = () => new Gantry("pipelines/gantry.yaml", "", "", "0123456789abcdef0123456789abcdef01234567", 1_763_769_600);
const imageOf = (ctr: SimNode) => ctr.chain().find((n) => n.call.method === "from")?.call.args[0];

beforeEach(() => simulation.reset());

/** The demo of an image already pushed (so the simulation runs no publish chain), as `demo` walks it after publishing. */
async function demoOf(source: Directory, image: string, options: { badCanary?: boolean; k3s?: string } = {}) {
  const ctx = await stageContext(callInput(gantry().settings, source));
  return rolloutObject(
    await embeddedDeploy(ctx, source, "staging", {
      images: pieceImages({ k3s: options.k3s ?? "" }),
      badCanary: options.badCanary ?? false,
      image,
      approve: [],
    }),
  );
}

describe("wiring: demo", () => {
  it("pulls every piece first, and an unpullable one fails naming its flag before any service starts", async () => {
    simulation.reset((q) => {
      if (q.what === "Container.sync" && imageOf(q.on!) === "mirror.invalid/k3s:v1")
        throw new Error("failed to resolve source metadata for mirror.invalid/k3s:v1: no such host");
      return undefined;
    });
    const run = gantry().demo(repository(), false, "mirror.invalid/k3s:v1");
    await expect(run).rejects.toThrow(
      "--kubernetes-image: could not pull mirror.invalid/k3s:v1 for the embedded Kubernetes (k3s) server (failed to resolve source metadata for mirror.invalid/k3s:v1: no such host)",
    );
    expect(simulation.askedFor("Service.start")).toEqual([]);
  });

  it("fails naming the embedded cluster and --kubernetes-image when the image it gives is pullable but no k3s", async () => {
    const notK3s = (where: string) => {
      simulation.reset((q) => {
        if (imageOf(q.on!) !== "alpine:3.22") return undefined;
        const failure = new ExecError('process "sh -c ..." did not complete successfully: exit code: 127', {
          cmd: ["sh", "-c", "exec k3s server"],
          exitCode: 127,
          stdout: "",
          stderr: "sh: 1: exec: k3s: not found\n",
        });
        if (q.what === where) throw failure;
        return undefined;
      });
      return demoOf(repository(), IMAGE, { k3s: "alpine:3.22" });
    };
    const expected =
      "--kubernetes-image: the embedded Kubernetes (k3s) server did not start from alpine:3.22:\nsh: 1: exec: k3s: not found\n--kubernetes-image must name a Kubernetes (k3s) server image: rancher/k3s:v1.36.4-k3s1 (the default) or a mirror of it";
    // The engine may fail the service's start, or the read of the kubeconfig it never writes.
    await expect(notK3s("Service.start")).rejects.toThrow(expected);
    await expect(notK3s("Container.stdout")).rejects.toThrow(expected);
  });

  it("refuses environment deploy, in this order and before any container: an unknown environment, then no cluster credentials (pointing at demo)", async () => {
    await expect(gantry().environment(repository(), "stagign").deploy(IMAGE)).rejects.toThrow(
      '--name: "stagign" is not an environment of the pipeline file; did you mean "staging"?',
    );
    await expect(gantry().environment(repository(), "staging").deploy("", "ghcr.io/acme/hello-api")).rejects.toThrow(
      /^--kubeconfig: environment staging has no cluster credentials: .*run `dagger call demo markdown`/,
    );
    await expect(gantry().environment(repository()).deploy()).rejects.toThrow(/^--kubeconfig: environment staging has no cluster credentials/);
    expect(simulation.containersCreated()).toBe(0);
  });

  it("runs k3s privileged and bound to the registry, reads its kubeconfig, and applies the demo's namespace and NodePort Service", async () => {
    const kubectl: string[][] = [];
    simulation.reset((q) => {
      const exec = q.on?.lastExec();
      if (q.what === "Container.stdout" && exec?.argv[0] === "sh" && String(exec.argv[2]).includes("kubeconfig.yaml")) return KUBECONFIG;
      if (exec?.argv[0] === "kubectl") {
        if (q.method === "exitCode") kubectl.push(exec.argv);
        // The first read of the rollout fails: this test stops where the cluster would answer.
        if (exec.argv[1] === "get") return q.method === "exitCode" ? 1 : q.method === "stderr" ? "connection refused" : "";
      }
      return undefined;
    });
    await expect(demoOf(repository(), IMAGE)).rejects.toThrow(/kubectl get .* exited 1: connection refused/);

    const [k3s] = simulation.askedFor("Service.start").map((a) => a.on!);
    const k3sService = k3s!.chain().find((n) => n.call.method === "asService")!;
    expect(k3sService.call.args[0]).toMatchObject({ insecureRootCapabilities: true });
    expect(imageOf(k3s!)).toBe("rancher/k3s:v1.36.4-k3s1");
    expect(k3s!.calls("withHostname").map((c) => c.args[0])).toEqual(["gantry-k3s"]);
    expect(k3s!.calls("withUser").map((c) => c.args[0])).toEqual(["0:0"]);
    expect(k3s!.calls("withNewFile").map((c) => [c.args[0], c.args[2]])).toEqual([
      ["/usr/local/bin/gantry-cgroup-init", { owner: "0:0", permissions: 0o755 }],
      ["/etc/rancher/k3s/registries.yaml", { owner: "0:0", permissions: 0o644 }],
    ]);
    const bindings = k3s!.chain().filter((n) => n.call.method === "withServiceBinding");
    expect(bindings.map((b) => b.call.args[0])).toEqual(["gantry-registry"]);
    expect(imageOf(simulation.node(bindings[0]!.call.args[1]))).toBe("registry:3.0.0");

    expect(kubectl[0]!.slice(0, 3)).toEqual(["kubectl", "apply", "--server-side"]);
    const applied = simulation
      .askedFor("Container.exitCode")
      .find((a) => a.on!.lastExec()!.argv[1] === "apply")!
      .on!.lastExec()!;
    expect(String(applied.options.stdin)).toContain("kind: Namespace");
    expect(String(applied.options.stdin)).toContain("nodePort: 30080");
  });

  it("walks the whole demo: the stable version, then the canary measured through the embedded Prometheus under traffic, which stops after the verdict", async () => {
    answerDemo(0);
    const rollout = await demoOf(repository(MEASURED), IMAGE);
    expect(rollout.verdict, rollout.reason).toBe("promoted");
    expect(rollout.markdown).toContain("### Before: Rollout of hello-api to staging");

    const queries = simulation
      .askedFor("Container.exitCode")
      .map((a) => a.on!)
      .filter((c) => c.lastExec()!.argv[0] === "wget");
    expect(queries.length).toBeGreaterThan(0);
    expect(String(queries[0]!.lastExec()!.argv[4])).toMatch(/^http:\/\/gantry-prometheus:9090\/api\/v1\/query\?query=/);
    const prometheus = serviceOf(queries[0]!, "gantry-prometheus");
    expect(imageOf(prometheus)).toBe("prom/prometheus:v3.16.0");
    const config = prometheus.chain().find((n) => n.call.method === "withNewFile" && n.call.args[0] === "/etc/gantry-prometheus/prometheus.yml")!;
    expect(String(config.call.args[1])).toContain("api_server: https://gantry-k3s:6443");
    const key = prometheus.chain().find((n) => n.call.method === "withMountedSecret")!;
    expect(key.call.args[0]).toBe("/etc/gantry-prometheus/client.key");
    expect(key.call.args[2]).toEqual({ owner: "65534:65534", mode: 0o400 });
    expect(config.call.args[2]).toEqual({ owner: "65534:65534", permissions: 0o644 });
    expect(prometheus.calls("withUser").map((c) => c.args[0])).toEqual(["65534:65534"]);
    expect(
      serviceOf(prometheus, "gantry-k3s")
        .calls("withHostname")
        .map((c) => c.args[0]),
    ).toEqual(["gantry-k3s"]);

    const started = simulation.askedFor("Service.start").map((a) => a.on!);
    const traffic = started.find((s) =>
      s.chain().some((n) => n.call.method === "asService" && JSON.stringify((n.call.args[0] as { args: string[] }).args) === JSON.stringify(demoTrafficArgv())),
    )!;
    expect(traffic).toBeDefined();
    expect(serviceOf(traffic, "gantry-k3s")).toBeDefined();
    expect(simulation.askedFor("Service.stop").map((a) => a.on)).toEqual([traffic]);
  });

  it("rolls a bad canary back on the measured error rate, and stops the traffic all the same", async () => {
    answerDemo(0.5);
    const rollout = await demoOf(repository(MEASURED), IMAGE, { badCanary: true });
    expect(rollout.verdict).toBe("aborted");
    expect(rollout.reason).toMatch(/analysis failed/);
    expect(simulation.askedFor("Service.stop")).toHaveLength(1);
  });
});
