import { describe, expect, it } from "vitest";
import { ALPINE_IMAGE, DISTROLESS_IMAGE, NONROOT_UID, resolveBase } from "../../../core/image/bases.js";
import { expectArgumentError } from "./argument-error.js";

const SHA = "sha256:" + "b".repeat(64);

describe("resolveBase", () => {
  it("defaults to distroless static, pinned by tag, which brings certs, tzdata and the nonroot user", () => {
    expect(DISTROLESS_IMAGE).toBe("gcr.io/distroless/static-debian12:nonroot");
    expect(resolveBase()).toEqual({
      alias: "distroless",
      ref: DISTROLESS_IMAGE,
      kind: "distroless",
      user: NONROOT_UID,
      needsCaCerts: false,
      needsPasswd: false,
      hasTzdata: true,
      shell: false,
    });
  });

  it("scratch needs CA certs and a passwd entry added", () => {
    expect(resolveBase("scratch")).toMatchObject({ kind: "scratch", ref: "scratch", user: 65532, needsCaCerts: true, needsPasswd: true, shell: false });
  });

  it("alpine is pinned by tag and has a shell", () => {
    expect(ALPINE_IMAGE).toBe("alpine:3.22");
    expect(resolveBase("alpine")).toMatchObject({ kind: "alpine", ref: "docker.io/library/alpine:3.22", needsCaCerts: false, hasTzdata: false, shell: true });
  });

  it("mirrors replace the image but keep the alias's traits", () => {
    const base = resolveBase("distroless", { distrolessImage: `registry.corp.example/mirror/static-debian12:nonroot@${SHA}` });
    expect(base).toMatchObject({ kind: "distroless", ref: `registry.corp.example/mirror/static-debian12:nonroot@${SHA}`, hasTzdata: true, needsPasswd: false });
    expect(resolveBase("alpine", { alpineImage: "localhost:5000/alpine:3.22" })).toMatchObject({
      kind: "alpine",
      ref: "localhost:5000/alpine:3.22",
      shell: true,
    });
  });

  it("any other image reference is a custom base that Gantry assumes nothing about", () => {
    expect(resolveBase(`cgr.dev/chainguard/static@${SHA}`)).toEqual({
      alias: `cgr.dev/chainguard/static@${SHA}`,
      ref: `cgr.dev/chainguard/static@${SHA}`,
      kind: "custom",
      user: 65532,
      needsCaCerts: false,
      needsPasswd: false,
      hasTzdata: false,
      shell: false,
    });
    expect(resolveBase("debian:12-slim").ref).toBe("docker.io/library/debian:12-slim");
  });

  it("rejects what is neither an alias nor a reference", () => {
    expectArgumentError(
      () => resolveBase("Distroless Static"),
      "base",
      /unknown base "Distroless Static"; expected one of distroless, scratch, alpine or an image reference/,
    );
    expectArgumentError(() => resolveBase("ubuntu:"), "base", /unknown base/);
  });

  it("rejects a bad mirror, naming the override", () => {
    expectArgumentError(() => resolveBase("distroless", { distrolessImage: "mirror/Static" }), "distrolessImage", /lowercase/);
    expectArgumentError(() => resolveBase("alpine", { alpineImage: "" }), "alpineImage", /empty/);
  });
});
