import { describe, expect, it } from "vitest";
import { formatDigestRefs, planPublish, validateDigest, type PublishInput } from "../../../core/image/publish.js";
import { expectArgumentError } from "./argument-error.js";

const DIGEST = "sha256:" + "f".repeat(64);
const input = (extra: Partial<PublishInput> = {}): PublishInput => ({
  repository: "ghcr.io/acme/hello-api",
  tags: ["1.2.3", "1.2", "latest"],
  platforms: ["linux/arm64", "linux/amd64"],
  hasPassword: false,
  ...extra,
});

describe("planPublish", () => {
  it("pushes one ref per tag, anonymously when no credentials are given", () => {
    expect(planPublish(input())).toEqual({
      registry: "ghcr.io",
      repository: "ghcr.io/acme/hello-api",
      refs: ["ghcr.io/acme/hello-api:1.2.3", "ghcr.io/acme/hello-api:1.2", "ghcr.io/acme/hello-api:latest"],
      platforms: ["linux/amd64", "linux/arm64"],
    });
  });

  it("authenticates against the registry host when user and password come together", () => {
    const plan = planPublish(input({ repository: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app", registryUser: "AWS", hasPassword: true }));
    expect(plan.registry).toBe("123456789012.dkr.ecr.eu-west-1.amazonaws.com");
    expect(plan.credentials).toEqual({ username: "AWS" });
  });

  it.each([
    ["acme/hello-api", "docker.io", "docker.io/acme/hello-api:1.2.3"],
    ["localhost:5000/hello-api", "localhost:5000", "localhost:5000/hello-api:1.2.3"],
    ["registry.gitlab.com/acme/platform/hello-api", "registry.gitlab.com", "registry.gitlab.com/acme/platform/hello-api:1.2.3"],
  ])("qualifies %s", (repository, registry, firstRef) => {
    const plan = planPublish(input({ repository }));
    expect(plan.registry).toBe(registry);
    expect(plan.refs[0]).toBe(firstRef);
  });

  it("drops repeated tags", () => {
    expect(planPublish(input({ tags: ["1.2.3", "1.2.3"] })).refs).toEqual(["ghcr.io/acme/hello-api:1.2.3"]);
  });

  it.each<[string, Partial<PublishInput>, string, RegExp]>([
    ["repository with a tag", { repository: "ghcr.io/acme/hello-api:1.2.3" }, "repository", /includes a tag or digest/],
    ["repository with a digest", { repository: `ghcr.io/acme/hello-api@${DIGEST}` }, "repository", /includes a tag or digest/],
    ["invalid repository", { repository: "ghcr.io/Acme/hello-api" }, "repository", /lowercase/],
    ["no tags", { tags: [] }, "tags", /no tags to push/],
    ["invalid tag", { tags: ["1.2.3", "feature/x"] }, "tags", /"feature\/x" is not a valid tag/],
    ["no platforms", { platforms: [] }, "platforms", /no platform/],
    ["non-Linux platform", { platforms: ["darwin/arm64"] }, "platforms", /Linux/],
    ["user without password", { registryUser: "ci-bot" }, "registryPassword", /--registry-user ci-bot was given without a password/],
    ["password without user", { hasPassword: true }, "registryUser", /without a user/],
    ["user with whitespace", { registryUser: "ci bot", hasPassword: true }, "registryUser", /whitespace/],
  ])("rejects %s", (_, extra, argument, problem) => {
    expectArgumentError(() => planPublish(input(extra)), argument, problem);
  });
});

describe("formatDigestRefs", () => {
  it("pins every tag to the pushed digest", () => {
    expect(formatDigestRefs("acme/hello-api", ["1.2.3", "latest"], DIGEST)).toEqual([
      `docker.io/acme/hello-api:1.2.3@${DIGEST}`,
      `docker.io/acme/hello-api:latest@${DIGEST}`,
    ]);
  });

  it("rejects a bad digest or tag", () => {
    expectArgumentError(() => formatDigestRefs("ghcr.io/acme/app", ["1.2.3"], "sha256:abc"), "digest", /expected sha256:<64 lowercase hex>/);
    expectArgumentError(() => formatDigestRefs("ghcr.io/acme/app", ["+x"], DIGEST), "tags", /not a valid tag/);
  });
});

describe("validateDigest", () => {
  it("returns a valid digest and names the argument otherwise", () => {
    expect(validateDigest(DIGEST)).toBe(DIGEST);
    expectArgumentError(() => validateDigest(DIGEST.toUpperCase()), "digest", /not an image digest/);
    expectArgumentError(() => validateDigest("f".repeat(64), "baseDigest"), "baseDigest", /not an image digest/);
  });
});
