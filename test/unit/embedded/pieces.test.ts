import { describe, expect, it } from "vitest";

import { PIECES, pieceImages, pullFailure, startFailure } from "../../../core/embedded/pieces.js";

describe("the embedded pieces' images", () => {
  it("are pinned to a version, never a moving tag", () => {
    for (const piece of Object.values(PIECES)) expect(piece.image).toMatch(/:v?\d+\.\d+\.\d+(-k3s\d+)?$/);
  });

  it("take the overrides given and keep the pins for the rest", () => {
    expect(pieceImages({ k3s: "mirror.corp/rancher/k3s:v1.36.4-k3s1", registry: "" })).toEqual({
      k3s: "mirror.corp/rancher/k3s:v1.36.4-k3s1",
      registry: PIECES.registry.image,
      prometheus: PIECES.prometheus.image,
    });
  });

  it("refuse an override that is no image reference, naming the flag", () => {
    expect(() => pieceImages({ prometheus: "prom/prometheus:v3 .14" })).toThrow(/^--prometheus-image: /);
  });

  it("report a failed pull with the engine's reason and the flag that points at a mirror", () => {
    const error = pullFailure(
      "k3s",
      "rancher/k3s:v1.36.4-k3s1",
      "failed to resolve source metadata for docker.io/rancher/k3s:v1.36.4-k3s1: dial tcp: lookup registry-1.docker.io: no such host\nmore detail",
    );
    expect(error.message).toBe(
      "--kubernetes-image: could not pull rancher/k3s:v1.36.4-k3s1 for the embedded Kubernetes (k3s) server (failed to resolve source metadata for docker.io/rancher/k3s:v1.36.4-k3s1: dial tcp: lookup registry-1.docker.io: no such host). Without access to its registry (an air-gapped network), copy it to one you can reach and pass --kubernetes-image <your registry>/k3s:v1.36.4-k3s1",
    );
    expect(pullFailure("registry", "registry:3.0.0", "").message).toContain("(no reason given)");
  });

  it("report an image that was pulled but did not start as the piece, with what it said and the flag", () => {
    const error = startFailure("k3s", "alpine:3.22", "sh: 1: exec: k3s: not found");
    expect(error.argument).toBe("kubernetesImage");
    expect(error.message).toBe(
      "--kubernetes-image: the embedded Kubernetes (k3s) server did not start from alpine:3.22:\nsh: 1: exec: k3s: not found\n--kubernetes-image must name a Kubernetes (k3s) server image: rancher/k3s:v1.36.4-k3s1 (the default) or a mirror of it",
    );
    expect(startFailure("prometheus", "busybox:1", " ").message).toContain("did not start from busybox:1:\nit printed nothing\n--prometheus-image");
  });
});
