import { describe, expect, it } from "vitest";
import { imageLabels, type LabelInput } from "../../../core/image/labels.js";
import { expectArgumentError } from "./argument-error.js";

const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const DIGEST = "sha256:" + "c".repeat(64);

const FULL: LabelInput = {
  source: "https://github.com/acme/hello-api",
  revision: COMMIT,
  version: "1.2.3",
  sourceDateEpoch: 1_715_000_000,
  title: "hello-api",
  description: "Says hello",
  licenses: "Apache-2.0",
  url: "https://acme.example/hello",
  baseName: "gcr.io/distroless/static-debian12:nonroot",
  baseDigest: DIGEST,
};

describe("imageLabels", () => {
  it("writes every OCI key, sorted, with created from the commit time in RFC 3339", () => {
    expect(imageLabels(FULL)).toEqual({
      "org.opencontainers.image.base.digest": DIGEST,
      "org.opencontainers.image.base.name": "gcr.io/distroless/static-debian12:nonroot",
      "org.opencontainers.image.created": "2024-05-06T12:53:20Z",
      "org.opencontainers.image.description": "Says hello",
      "org.opencontainers.image.licenses": "Apache-2.0",
      "org.opencontainers.image.revision": COMMIT,
      "org.opencontainers.image.source": "https://github.com/acme/hello-api",
      "org.opencontainers.image.title": "hello-api",
      "org.opencontainers.image.url": "https://acme.example/hello",
      "org.opencontainers.image.version": "1.2.3",
    });
    expect(Object.keys(imageLabels(FULL))).toEqual(Object.keys(imageLabels(FULL)).sort());
  });

  it("is reproducible: the same inputs give identical labels, in the same order", () => {
    const first = JSON.stringify(imageLabels(FULL));
    const reordered: LabelInput = Object.fromEntries(Object.entries(FULL).reverse());
    expect(JSON.stringify(imageLabels(structuredClone(FULL)))).toBe(first);
    expect(JSON.stringify(imageLabels(reordered))).toBe(first);
  });

  it("leaves out keys with no value, including created without a commit time", () => {
    expect(imageLabels({ title: "hello-api", description: "", version: undefined })).toEqual({ "org.opencontainers.image.title": "hello-api" });
    expect(imageLabels({})).toEqual({});
  });

  it("lets user labels override Gantry's and add their own", () => {
    const labels = imageLabels({ ...FULL, labels: { "org.opencontainers.image.title": "Hello API", "com.acme.team": "payments", "com.acme.empty": "" } });
    expect(labels["org.opencontainers.image.title"]).toBe("Hello API");
    expect(labels["com.acme.team"]).toBe("payments");
    expect(labels["com.acme.empty"]).toBe("");
    expect(Object.keys(labels)[0]).toBe("com.acme.empty");
  });

  it.each<[string, LabelInput, string, RegExp]>([
    ["empty label key", { labels: { "": "x" } }, "labels", /must be non-empty/],
    ["label key with whitespace", { labels: { "com.acme team": "x" } }, "labels", /no whitespace/],
    ["label value with a newline", { labels: { "com.acme.note": "a\nb" } }, "labels", /control character/],
    ["description with a newline", { description: "line one\nline two" }, "description", /control character/],
    ["source that is not a URL", { source: "git@github.com:acme/hello-api.git" }, "source", /absolute URL/],
    ["url without scheme", { url: "acme.example/hello" }, "url", /absolute URL/],
    ["revision that is not a commit", { revision: "main" }, "revision", /commit SHA/],
    ["negative commit time", { sourceDateEpoch: -1 }, "sourceDateEpoch", /whole Unix seconds/],
    ["commit time in milliseconds", { sourceDateEpoch: 1_715_000_000_000 }, "sourceDateEpoch", /whole Unix seconds/],
    ["bad base digest", { baseDigest: "sha256:1234" }, "baseDigest", /not a digest/],
  ])("rejects %s", (_, input, argument, problem) => {
    expectArgumentError(() => imageLabels(input), argument, problem);
  });
});
