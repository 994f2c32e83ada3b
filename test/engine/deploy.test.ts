import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { daggerCall, daggerCallOk, ENGINE_SUITE, engineSuite, skipReason } from "./engine.js";

const IMAGE = `ghcr.io/acme/hello-api@sha256:${"a".repeat(64)}`;

// The rollout loop itself runs against a real control plane in test/host (kube-*.test.ts); here the
// engine renders the example's staging manifests and refuses what cannot work, before any cluster call.
describe.skipIf(skipReason)(engineSuite("engine: Kubernetes delivery of examples/hello-api"), ENGINE_SUITE, () => {
  it("renders the staging manifests with the image pinned and a restricted securityContext", async () => {
    const yaml = await daggerCallOk(["environment", "--name", "staging", "manifests", "--image", IMAGE, "file", "--path", "staging.yaml", "contents"]);
    expect(yaml).toContain("kind: Deployment");
    expect(yaml).toContain(IMAGE);
    expect(yaml).toContain("runAsNonRoot: true");
    expect(yaml).toContain("readOnlyRootFilesystem: true");
  });

  it("refuses an unknown environment, with a did-you-mean", async () => {
    const res = await daggerCall(["environment", "--name", "stagign", "deploy", "--image", IMAGE]);
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain('did you mean "staging"');
  });

  it("refuses a kubeconfig on the caller's loopback without the cluster as a service, naming --cluster", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gantry-kubeconfig-"));
    const kubeconfig = join(dir, "config");
    writeFileSync(
      kubeconfig,
      "apiVersion: v1\nkind: Config\ncurrent-context: kind\ncontexts: [{name: kind, context: {cluster: kind, user: kind}}]\nclusters: [{name: kind, cluster: {server: 'https://127.0.0.1:6443'}}]\nusers: [{name: kind, user: {token: x}}]\n",
    );
    const res = await daggerCall(["environment", "--name", "staging", "--kubeconfig", `file:${kubeconfig}`, "deploy", "--image", IMAGE]);
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain("--cluster tcp://localhost:6443");
  });
});

// The embedded demo's full runs (a canary promoted, a bad one rolled back) are checks of the engine
// test module (test/engine/module, run by test/engine/module.test.ts); here, what fails fast.
describe.skipIf(skipReason)(engineSuite("engine: the embedded demo's refusals"), ENGINE_SUITE, () => {
  it("names --kubernetes-image when the k3s image cannot be pulled (an air-gapped network)", async () => {
    const res = await daggerCall(["demo", "--kubernetes-image", "gantry.invalid/rancher/k3s:v1.36.4-k3s1", "verdict"]);
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain("--kubernetes-image: could not pull gantry.invalid/rancher/k3s:v1.36.4-k3s1");
  });

  it("names the embedded cluster and --kubernetes-image when the image given pulls but is no k3s", async () => {
    const res = await daggerCall(["demo", "--kubernetes-image", "alpine:3.22", "verdict"]);
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain("--kubernetes-image: the embedded Kubernetes (k3s) server did not start from alpine:3.22");
  });

  it("refuses a deploy that names no cluster, pointing at demo instead of starting one", async () => {
    const res = await daggerCall(["environment", "--name", "staging", "deploy", "--image", IMAGE, "verdict"]);
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain("dagger call demo markdown");
  });
});
