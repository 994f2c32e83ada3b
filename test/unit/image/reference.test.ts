import { describe, expect, it } from "vitest";
import { formatImageReference, isValidDigest, isValidTag, parseImageReference } from "../../../core/image/reference.js";
import { expectArgumentError } from "./argument-error.js";

const SHA = "sha256:" + "a".repeat(64);

describe("parseImageReference", () => {
  it.each([
    ["nginx", { registry: "docker.io", repository: "library/nginx" }],
    ["nginx:1.27", { registry: "docker.io", repository: "library/nginx", tag: "1.27" }],
    ["acme/app", { registry: "docker.io", repository: "acme/app" }],
    ["docker.io/nginx", { registry: "docker.io", repository: "library/nginx" }],
    ["index.docker.io/acme/app:v1", { registry: "docker.io", repository: "acme/app", tag: "v1" }],
    ["ghcr.io/acme/hello-api:1.2.3", { registry: "ghcr.io", repository: "acme/hello-api", tag: "1.2.3" }],
    ["registry.gitlab.com/group/sub-group/project/app:main", { registry: "registry.gitlab.com", repository: "group/sub-group/project/app", tag: "main" }],
    ["123456789012.dkr.ecr.eu-west-1.amazonaws.com/app", { registry: "123456789012.dkr.ecr.eu-west-1.amazonaws.com", repository: "app" }],
    ["localhost:5000/app:dev", { registry: "localhost:5000", repository: "app", tag: "dev" }],
    ["localhost/app", { registry: "localhost", repository: "app" }],
    ["[::1]:5000/app", { registry: "[::1]:5000", repository: "app" }],
    ["gcr.io/distroless/static-debian12:nonroot", { registry: "gcr.io", repository: "distroless/static-debian12", tag: "nonroot" }],
    [`ghcr.io/acme/app@${SHA}`, { registry: "ghcr.io", repository: "acme/app", digest: SHA }],
    [`ghcr.io/acme/app:1.2.3@${SHA}`, { registry: "ghcr.io", repository: "acme/app", tag: "1.2.3", digest: SHA }],
    [`alpine@${SHA}`, { registry: "docker.io", repository: "library/alpine", digest: SHA }],
    ["a/b__c/d-e.f", { registry: "docker.io", repository: "a/b__c/d-e.f" }],
    // Like Docker, an uppercase first component can only be a host, since repositories are lowercase.
    ["Registry/app", { registry: "Registry", repository: "app" }],
  ])("%s", (text, expected) => {
    expect(parseImageReference(text)).toEqual(expected);
  });

  it("formats back to a fully qualified reference", () => {
    expect(formatImageReference(parseImageReference("nginx:1.27"))).toBe("docker.io/library/nginx:1.27");
    expect(formatImageReference(parseImageReference(`localhost:5000/app:dev@${SHA}`))).toBe(`localhost:5000/app:dev@${SHA}`);
  });

  it.each([
    ["", /empty/],
    ["ghcr.io/acme/App", /must be lowercase/],
    ["acme/App", /must be lowercase/],
    ["ghcr.io/acme/app:", /not a valid tag/],
    ["ghcr.io/acme/app:-bad", /not a valid tag/],
    [`ghcr.io/acme/app:${"t".repeat(129)}`, /not a valid tag/],
    ["ghcr.io/acme/app@sha256:abc", /not a digest/],
    [`ghcr.io/acme/app@md5:${"a".repeat(32)}`, /not a digest/],
    [`ghcr.io/acme/app@sha256:${"A".repeat(64)}`, /not a digest/],
    [`ghcr.io/acme/app@${SHA}@${SHA}`, /more than one @/],
    ["ghcr.io//app", /empty component/],
    ["ghcr.io/acme/app/", /empty component/],
    ["ghcr.io/acme/-app", /path component/],
    ["ghcr.io/acme/a..b", /path component/],
    ["local host:5000/app", /whitespace/],
    ["-bad.io/app", /host name/],
    ["localhost:port/app", /port/],
    ["a".repeat(64), /image ID/],
    [`ghcr.io/${"a".repeat(250)}`, /longer than 255/],
  ])("rejects %j", (text, problem) => {
    expectArgumentError(() => parseImageReference(text, "image"), "image", problem);
  });

  it("names the caller's argument", () => {
    expectArgumentError(() => parseImageReference("Bad Ref", "repository"), "repository", /expected \[registry\/\]repository/);
  });
});

describe("isValidTag", () => {
  it.each(["latest", "1.2.3", "1.2.3-rc.1", "_x", "sha-abc1234", "A".repeat(128), "feature-x"])("accepts %s", (tag) => {
    expect(isValidTag(tag)).toBe(true);
  });
  it.each(["", ".hidden", "-dash", "1.2.3+build", "a/b", "ü", "A".repeat(129), "with space"])("rejects %j", (tag) => {
    expect(isValidTag(tag)).toBe(false);
  });
});

describe("isValidDigest", () => {
  it("accepts sha256, sha384 and sha512 with their exact lengths", () => {
    expect(isValidDigest(SHA)).toBe(true);
    expect(isValidDigest("sha384:" + "0".repeat(96))).toBe(true);
    expect(isValidDigest("sha512:" + "f".repeat(128))).toBe(true);
    expect(isValidDigest("sha256:" + "a".repeat(63))).toBe(false);
    expect(isValidDigest("sha512:" + "f".repeat(64))).toBe(false);
    expect(isValidDigest("a".repeat(64))).toBe(false);
  });
});
