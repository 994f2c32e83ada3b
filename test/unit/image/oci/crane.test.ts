import { describe, expect, it } from "vitest";

import { resolveBase } from "../../../../core/image/bases.js";
import {
  CRANE_IMAGE,
  CRANE_VERSION,
  checkPushedDigest,
  parseBaseDigest,
  planBaseDigest,
  planBasePull,
  planLayoutPush,
} from "../../../../core/image/oci/crane.js";
import { planPublish } from "../../../../core/image/publish.js";

const DIGEST = `sha256:${"f".repeat(64)}`;

describe("crane plans", () => {
  it("runs the pinned crane image", () => {
    expect(CRANE_IMAGE).toBe(`gcr.io/go-containerregistry/crane:${CRANE_VERSION}`);
  });

  it("resolves the base's platform manifest, then pulls it by digest as an OCI layout", () => {
    const distroless = resolveBase("distroless");
    expect(planBaseDigest(distroless, "linux/arm64").args).toEqual(["digest", "--platform=linux/arm64", "gcr.io/distroless/static-debian12:nonroot"]);
    expect(parseBaseDigest(`${DIGEST}\n`, distroless)).toBe(DIGEST);
    expect(() => parseBaseDigest("", distroless)).toThrow(/not an image digest/);
    const run = planBasePull(distroless, "linux/arm64", DIGEST, "/gantry/base");
    expect(run.args).toEqual(["pull", "--format=oci", "--platform=linux/arm64", `gcr.io/distroless/static-debian12@${DIGEST}`, "/gantry/base"]);
    expect(run.env).toEqual({});
    expect(planBasePull(distroless, "linux/arm64", DIGEST, "/b", true).env).toEqual({ DOCKER_CONFIG: "/gantry/docker" });
    expect(() => planBaseDigest(resolveBase("scratch"), "linux/amd64")).toThrow(/scratch/);
  });

  it("pushes the layout to the first tag and tags the others by digest, logging in through a Docker config", () => {
    const publish = planPublish({
      repository: "ghcr.io/acme/hello-api",
      tags: ["1.2.3", "latest"],
      platforms: ["linux/amd64"],
      registryUser: "bot",
      hasPassword: true,
    });
    const plan = planLayoutPush(publish, "/gantry/layout", DIGEST);
    expect(plan.push.args).toEqual(["push", "/gantry/layout", "ghcr.io/acme/hello-api:1.2.3"]);
    expect(plan.tags.map((t) => t.args)).toEqual([["tag", `ghcr.io/acme/hello-api@${DIGEST}`, "latest"]]);
    expect(plan.refs).toEqual([`ghcr.io/acme/hello-api:1.2.3@${DIGEST}`, `ghcr.io/acme/hello-api:latest@${DIGEST}`]);
    expect(plan.push.env).toEqual({ DOCKER_CONFIG: "/gantry/docker" });
    expect(JSON.stringify(plan)).not.toMatch(/password|bot/);
  });

  it("pushes over plain HTTP with crane's global --insecure, for a registry running as a Dagger service", () => {
    const publish = planPublish({ repository: "gantry-registry:5000/hello-api", tags: ["1.2.3", "latest"], platforms: ["linux/amd64"], hasPassword: false });
    const plan = planLayoutPush(publish, "/gantry/layout", DIGEST, { plainHttp: true });
    expect(plan.push.args).toEqual(["--insecure", "push", "/gantry/layout", "gantry-registry:5000/hello-api:1.2.3"]);
    expect(plan.tags.map((t) => t.args)).toEqual([["--insecure", "tag", `gantry-registry:5000/hello-api@${DIGEST}`, "latest"]]);
    expect(planLayoutPush(publish, "/gantry/layout", DIGEST).push.args[0]).toBe("push");
  });

  it("accepts crane's answer only when it names the digest Gantry computed", () => {
    expect(checkPushedDigest(`ghcr.io/acme/hello-api@${DIGEST}\n`, DIGEST)).toBe(DIGEST);
    expect(() => checkPushedDigest(`ghcr.io/acme/hello-api@sha256:${"0".repeat(64)}\n`, DIGEST)).toThrow(/Gantry assembled is/);
  });
});
