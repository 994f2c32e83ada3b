import { describe, expect, it } from "vitest";

import { usesEmbeddedCluster, type DeployTarget } from "../../../core/embedded/mode.js";

const nothing: DeployTarget = { embedded: false, badCanary: false, clusterGiven: false, imageGiven: false, images: { k3s: "", registry: "" } };

describe("when deploy uses the embedded cluster", () => {
  it("runs embedded when nothing names a cluster, a registry or an image", () => {
    expect(usesEmbeddedCluster(nothing)).toBe(true);
  });

  it("never touches a named cluster unless asked", () => {
    expect(usesEmbeddedCluster({ ...nothing, clusterGiven: true })).toBe(false);
    expect(usesEmbeddedCluster({ ...nothing, kubeconfigReference: "env:KUBECONFIG_DATA" })).toBe(false);
    // A registry without a cluster keeps the real path, whose error names the missing kubeconfig.
    expect(usesEmbeddedCluster({ ...nothing, repository: "ghcr.io/acme/api" })).toBe(false);
    expect(usesEmbeddedCluster({ ...nothing, imageGiven: true })).toBe(false);
  });

  it("runs embedded when asked, over the pipeline's kubeconfig and registry", () => {
    expect(usesEmbeddedCluster({ ...nothing, embedded: true, kubeconfigReference: "env:KUBECONFIG_DATA", repository: "ghcr.io/acme/api", imageGiven: true })).toBe(true);
  });

  it("refuses --embedded with a kubeconfig or cluster argument", () => {
    expect(() => usesEmbeddedCluster({ ...nothing, embedded: true, clusterGiven: true })).toThrow(/--embedded: starts its own cluster; drop --kubeconfig and --cluster/);
  });

  it("refuses --bad-canary and image overrides where no embedded cluster runs", () => {
    expect(() => usesEmbeddedCluster({ ...nothing, badCanary: true, clusterGiven: true })).toThrow(/--bad-canary: .*add --embedded/);
    expect(() => usesEmbeddedCluster({ ...nothing, repository: "ghcr.io/acme/api", images: { k3s: "mirror.corp/k3s:v1" } })).toThrow(/--kubernetes-image: is an image of the embedded cluster/);
    expect(usesEmbeddedCluster({ ...nothing, badCanary: true, images: { k3s: "mirror.corp/k3s:v1" } })).toBe(true);
  });
});
