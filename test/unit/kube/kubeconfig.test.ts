import { describe, expect, it } from "vitest";
import { parse } from "yaml";

import { kubeconfigThroughService, kubeEndpoint, requireReachable } from "../../../core/kube/kubeconfig.js";

const kubeconfig = (server: string, extra = "") => `apiVersion: v1
kind: Config
current-context: dev
contexts:
  - name: dev
    context: { cluster: kind-dev, user: admin }
clusters:
  - name: kind-dev
    cluster: { server: "${server}", certificate-authority-data: Zm9v${extra} }
users:
  - name: admin
    user: { token: x }
`;

describe("the kubeconfig's endpoint", () => {
  it("reads the current context's server and tells the caller's loopback apart", () => {
    expect(kubeEndpoint(kubeconfig("https://127.0.0.1:6443"))).toEqual({ server: "https://127.0.0.1:6443", host: "127.0.0.1", port: 6443, loopback: true });
    expect(kubeEndpoint(kubeconfig("https://localhost:39231")).loopback).toBe(true);
    expect(kubeEndpoint(kubeconfig("https://[::1]:6443")).loopback).toBe(true);
    expect(kubeEndpoint(kubeconfig("https://api.prod.example.com"))).toMatchObject({ port: 443, loopback: false });
  });

  for (const server of [
    "https://localhost.:6443",
    "https://0.0.0.0:6443",
    "https://[::ffff:127.0.0.1]:6443",
    "https://[::ffff:0.0.0.0]:6443",
    "https://[::]:6443",
    "https://[0:0:0:0:0:0:0:1]:6443",
    "https://LOCALHOST:6443",
    "https://kind.localhost:6443",
    "https://127.1:6443",
    "https://0x7f.0.0.1:6443",
  ]) {
    it(`recognises ${server} as the caller's loopback`, () => {
      expect(kubeEndpoint(kubeconfig(server)).loopback).toBe(true);
      expect(() => requireReachable(kubeEndpoint(kubeconfig(server)), false)).toThrow("--cluster tcp://localhost:6443");
    });
  }
  for (const server of [
    "https://128.0.0.1:6443",
    "https://[::ffff:10.0.0.1]:6443",
    "https://localhost.example.com:6443",
    "https://[2001:db8::1]:6443",
    "https://10.0.0.1",
  ]) {
    it(`does not take ${server} for the loopback`, () => expect(kubeEndpoint(kubeconfig(server)).loopback).toBe(false));
  }

  it("refuses a loopback server without a service binding, naming the fix", () => {
    expect(() => requireReachable(kubeEndpoint(kubeconfig("https://127.0.0.1:6443")), false)).toThrow("--cluster tcp://localhost:6443");
    expect(() => requireReachable(kubeEndpoint(kubeconfig("https://127.0.0.1:6443")), true)).not.toThrow();
    expect(() => requireReachable(kubeEndpoint(kubeconfig("https://api.example.com")), false)).not.toThrow();
  });

  it("points the kubeconfig at the service alias and keeps checking the certificate's name", () => {
    const rewritten = parse(kubeconfigThroughService(kubeconfig("https://127.0.0.1:6443"), "kube-api")) as { clusters: { cluster: Record<string, string> }[] };
    expect(rewritten.clusters[0]!.cluster).toMatchObject({
      server: "https://kube-api:6443",
      "tls-server-name": "127.0.0.1",
      "certificate-authority-data": "Zm9v",
    });
  });

  it("refuses what is not a usable kubeconfig, saying what is missing", () => {
    expect(() => kubeEndpoint("a: [")).toThrow(/^kubeconfig: does not parse as YAML/);
    expect(() => kubeEndpoint("apiVersion: v1\nkind: Config\n")).toThrow(/current-context/);
    expect(() => kubeEndpoint(kubeconfig("https://x").replace("cluster: kind-dev", "cluster: other"))).toThrow(/cluster "other" is not defined/);
    expect(() => kubeEndpoint(kubeconfig("not a url"))).toThrow(/is not a URL/);
  });

  // These threw TypeError: .find is not a function.
  for (const key of ["clusters", "contexts", "users"]) {
    for (const [shape, value] of [
      ["a mapping", "{ kind-dev: { server: x } }"],
      ["a string", "kind-dev"],
    ] as const) {
      it(`refuses ${key} written as ${shape}, naming the key`, () => {
        const text = kubeconfig("https://api.example.com").replace(new RegExp(`^${key}:\\n(  .*\\n)+`, "m"), `${key}: ${value}\n`);
        expect(text).toContain(`${key}: ${value}`);
        expect(() => kubeEndpoint(text)).toThrow(new RegExp(`^kubeconfig: ${key}: expected a list of \\{name, ${key.slice(0, -1)}\\} entries, found ${shape}`));
      });
    }
  }
});
