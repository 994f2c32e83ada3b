import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { afterEach, describe, expect, it, vi } from "vitest";

import { sha256Digest } from "../../../../core/image/oci/blob.js";
import { planOciImage } from "../../../../core/image/oci/image-layout.js";
import { LAYERS, scratchParts, scratchPlan } from "./inputs.js";

const fixtures = fileURLToPath(new URL("../../../fixtures/oci/", import.meta.url));
const golden = (name: string) => readFileSync(fixtures + name, "utf8");
/** The goldens' digests as the real sha256sum printed them when they were committed. */
const goldenDigest = (name: string) => {
  const line = golden("SHA256SUMS")
    .split("\n")
    .find((l) => l.endsWith(`  ${name}`));
  return `sha256:${line!.split(" ")[0]}`;
};

describe("planOciImage (scratch, two platforms)", () => {
  const image = planOciImage(scratchPlan(), scratchParts());
  const amd64 = image.platforms[0]!;

  it("writes the config, manifest and index as the golden bytes, with the golden digests", () => {
    expect(amd64.config.text).toBe(golden("scratch-config-amd64.json"));
    expect(amd64.config.digest).toBe(goldenDigest("scratch-config-amd64.json"));
    expect(amd64.manifest.text).toBe(golden("scratch-manifest-amd64.json"));
    expect(amd64.manifest.digest).toBe(goldenDigest("scratch-manifest-amd64.json"));
    expect(image.index.text).toBe(golden("scratch-index.json"));
    expect(image.digest).toBe(goldenDigest("scratch-index.json"));
  });

  it("records each blob's true size and digest in the descriptor that points to it", () => {
    const manifest = JSON.parse(amd64.manifest.text);
    expect(manifest.config).toEqual({ mediaType: amd64.config.mediaType, digest: sha256Digest(amd64.config.text), size: Buffer.byteLength(amd64.config.text) });
    const index = JSON.parse(image.index.text);
    expect(index.manifests.map((m: { digest: string }) => m.digest)).toEqual(image.platforms.map((p) => sha256Digest(p.manifest.text)));
  });

  it("lays out oci-layout, an index.json naming the image index, and every JSON blob under its digest", () => {
    const files = new Map(image.files.map((f) => [f.path, f.text]));
    expect(files.get("oci-layout")).toBe('{"imageLayoutVersion":"1.0.0"}');
    expect(JSON.parse(files.get("index.json")!).manifests).toEqual([{ mediaType: image.index.mediaType, digest: image.digest, size: image.index.size }]);
    for (const [path, text] of files) {
      if (path.startsWith("blobs/")) expect(`sha256:${path.split("/").pop()}`).toBe(sha256Digest(text));
    }
    expect(files.size).toBe(2 + 1 + 2 * 2);
    expect(image.layerBlobs.map((b) => [b.platform, b.path, b.from])).toEqual([
      ["linux/amd64", `blobs/sha256/${"a".repeat(64)}`, "gantry"],
      ["linux/arm64", `blobs/sha256/${"c".repeat(64)}`, "gantry"],
    ]);
  });
});

describe("planOciImage depends on its inputs and nothing else", () => {
  afterEach(() => vi.useRealTimers());
  const digest = (...args: Parameters<typeof scratchPlan>) => planOciImage(scratchPlan(...args), scratchParts()).digest;
  const reference = digest();

  it("changes when a label, the commit time or a layer digest changes", () => {
    expect(digest({ labels: { version: "1.2.4" } })).not.toBe(reference);
    expect(digest({ sourceDateEpoch: 1_700_000_001 })).not.toBe(reference);
    const layers = { ...LAYERS, "linux/arm64": { ...LAYERS["linux/arm64"]!, digest: `sha256:${"e".repeat(64)}` } };
    expect(planOciImage(scratchPlan(), scratchParts(layers)).digest).not.toBe(reference);
  });

  it("does not change with the time of day", () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2031-02-03T04:05:06Z"));
    expect(digest()).toBe(reference);
    vi.setSystemTime(new Date("1999-12-31T23:59:59Z"));
    expect(digest()).toBe(reference);
  });

  it("does not change with the process, its time zone or its locale", () => {
    const script = fileURLToPath(new URL("./print-digest.ts", import.meta.url));
    const env = { ...process.env, TZ: "Pacific/Kiritimati", LANG: "tr_TR.UTF-8", LC_ALL: "tr_TR.UTF-8" };
    expect(execFileSync(process.execPath, ["--import", "tsx", script], { env, encoding: "utf8" })).toBe(reference);
  });

  it("does not change with the order labels, variables, platforms or parts are given in", () => {
    const reordered = scratchPlan({
      env: { GOMAXPROCS: "2", LOG_FORMAT: "json" },
      builtPlatforms: ["linux/arm64", "linux/amd64"],
      labels: {
        version: "1.2.3",
        revision: "0123456789abcdef0123456789abcdef01234567",
        source: "https://github.com/acme/hello-api",
        labels: { "1": "integer-like key", "com.example.team": "payments" },
      },
    });
    expect(planOciImage(reordered, scratchParts().reverse()).digest).toBe(reference);
  });

  it("writes 1970-01-01T00:00:00Z when the commit time is unknown", () => {
    const config = JSON.parse(planOciImage(scratchPlan({ sourceDateEpoch: undefined }), scratchParts()).platforms[0]!.config.text);
    expect(config.created).toBe("1970-01-01T00:00:00Z");
    expect(config.history.map((h: { created: string }) => h.created)).toEqual(["1970-01-01T00:00:00Z"]);
  });

  it("refuses parts that do not match the plan", () => {
    expect(() => planOciImage(scratchPlan(), scratchParts().slice(0, 1))).toThrow(/exactly one layer for linux\/arm64/);
    expect(() => planOciImage(scratchPlan({ platforms: ["linux/amd64"] }), scratchParts())).toThrow(/linux\/arm64, which the image plan does not include/);
  });
});
