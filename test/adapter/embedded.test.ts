// Wiring of `deploy --embedded` (dagger/embedded.ts) against the Dagger SIMULATION: which services
// it starts, how they are bound and what fails first. The pieces' command lines run for real in
// test/host/embedded-*.test.ts; the rollouts on a real control plane in test/host/embedded-demo.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import type { Directory } from "@dagger.io/dagger";
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@dagger.io/dagger", () => import("../support/dagger-simulation.js"));

import { Gantry } from "../../src/index.js";
import { simulation, type SimNode } from "../support/dagger-simulation.js";

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

function repository(): Directory {
  const root = mkdtempSync(join(tmpdir(), "gantry-embedded-"));
  cpSync(EXAMPLE, join(root, "examples/hello-api"), { recursive: true });
  mkdirSync(join(root, "pipelines"));
  writeFileSync(join(root, "pipelines/gantry.yaml"), "name: hello-api\nsource: examples/hello-api\nenvironments:\n  staging: {namespace: hello-staging, replicas: 4, strategy: {type: canary}}\n");
  return simulation.hostDirectory(root);
}

const gantry = () => new Gantry("pipelines/gantry.yaml", "", "", "0123456789abcdef0123456789abcdef01234567", 1_763_769_600);
const imageOf = (ctr: SimNode) => ctr.chain().find((n) => n.call.method === "from")?.call.args[0];

beforeEach(() => simulation.reset());

describe("wiring: deploy --embedded", () => {
  it("pulls every piece first, and an unpullable one fails naming its flag before any service starts", async () => {
    simulation.reset((q) => {
      if (q.what === "Container.sync" && imageOf(q.on!) === "mirror.invalid/k3s:v1") throw new Error("failed to resolve source metadata for mirror.invalid/k3s:v1: no such host");
      return undefined;
    });
    const run = gantry().deploy(repository(), "", "", undefined, [], undefined, undefined, "", false, false, "mirror.invalid/k3s:v1");
    await expect(run).rejects.toThrow("--kubernetes-image: could not pull mirror.invalid/k3s:v1 for the embedded Kubernetes (k3s) server (failed to resolve source metadata for mirror.invalid/k3s:v1: no such host)");
    expect(simulation.askedFor("Service.start")).toEqual([]);
  });

  it("refuses, in this order and before any container: an unknown environment, then a named registry without a cluster", async () => {
    await expect(gantry().deploy(repository(), "stagign", IMAGE)).rejects.toThrow('--environment: "stagign" is not an environment of the pipeline file; did you mean "staging"?');
    await expect(gantry().deploy(repository(), "staging", "", "ghcr.io/acme/hello-api")).rejects.toThrow(/^--kubeconfig: environment staging has no cluster credentials/);
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
    await expect(gantry().deploy(repository(), "", IMAGE, undefined, [], undefined, undefined, "", true)).rejects.toThrow(/kubectl get .* exited 1: connection refused/);

    const [k3s] = simulation.askedFor("Service.start").map((a) => a.on!);
    const k3sService = k3s!.chain().find((n) => n.call.method === "asService")!;
    expect(k3sService.call.args[0]).toMatchObject({ insecureRootCapabilities: true });
    expect(imageOf(k3s!)).toBe("rancher/k3s:v1.36.4-k3s1");
    expect(k3s!.calls("withHostname").map((c) => c.args[0])).toEqual(["gantry-k3s"]);
    const bindings = k3s!.chain().filter((n) => n.call.method === "withServiceBinding");
    expect(bindings.map((b) => b.call.args[0])).toEqual(["gantry-registry"]);
    expect(imageOf(simulation.node(bindings[0]!.call.args[1]))).toBe("registry:3.0.0");

    expect(kubectl[0]!.slice(0, 3)).toEqual(["kubectl", "apply", "--server-side"]);
    const applied = simulation.askedFor("Container.exitCode").find((a) => a.on!.lastExec()!.argv[1] === "apply")!.on!.lastExec()!;
    expect(String(applied.options.stdin)).toContain("kind: Namespace");
    expect(String(applied.options.stdin)).toContain("nodePort: 30080");
  });
});
