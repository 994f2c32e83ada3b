// Gantry's layer and OCI layout made for real: the core's GNU tar / gzip argv on hello-api built by
// the real go, run twice in fresh directories, must give the same bytes and the same image digest.
import { chmodSync, readdirSync, readFileSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { sha256Digest } from "../../core/image/oci/blob.js";
import { planOciImage, type OciImage } from "../../core/image/oci/image-layout.js";
import { layoutTarballArgv, planLayer } from "../../core/image/oci/layer.js";
import { planImage, type ImagePlan } from "../../core/image/plan.js";
import { buildHelloApi, mustRun, removeTempDirs, runLayerPlan, writeLayout, type BuiltLayer } from "../support/oci.js";

const PLATFORMS = ["linux/amd64", "linux/arm64"] as const;
afterAll(removeTempDirs);

function servicePlan(sourceDateEpoch?: number): ImagePlan {
  return planImage({
    name: "hello-api",
    base: "scratch",
    builtPlatforms: [...PLATFORMS],
    sourceDateEpoch,
    labels: { revision: "0123456789abcdef0123456789abcdef01234567", version: "1.2.3", source: "https://github.com/acme/hello-api" },
  });
}

/** Builds both platforms' layers and the layout; `touch` changes the binaries' on-disk metadata first. */
async function assemble(plan: ImagePlan, dist: string, touch?: (binary: string) => void): Promise<{ image: OciImage; layers: BuiltLayer[]; layout: string }> {
  const layers: BuiltLayer[] = [];
  for (const { binaryFile } of plan.platforms) {
    const binary = join(dist, binaryFile);
    touch?.(binary);
    layers.push(await runLayerPlan(planLayer(plan), binary));
  }
  const image = planOciImage(
    plan,
    plan.platforms.map(({ platform }, i) => ({ platform, layer: layers[i]! })),
  );
  return { image, layers, layout: writeLayout(image, new Map(layers.map((l) => [l.digest, l.blob]))) };
}

/** The ustar headers of an archive: type flag and the user and group name fields. */
function tarHeaders(tar: Buffer): { type: string; uname: string; gname: string }[] {
  const field = (block: Buffer, offset: number, length: number) =>
    block
      .subarray(offset, offset + length)
      .toString("latin1")
      .replace(/\0.*$/s, "");
  const headers = [];
  for (let at = 0; at + 512 <= tar.length;) {
    const block = tar.subarray(at, at + 512);
    if (block.every((b) => b === 0)) break;
    headers.push({ type: field(block, 156, 1), uname: field(block, 265, 32), gname: field(block, 297, 32) });
    const size = parseInt(field(block, 124, 12).trim() || "0", 8);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return headers;
}

function tree(dir: string, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(join(dir, prefix)).sort()) {
    const path = join(prefix, name);
    if (statSync(join(dir, path)).isDirectory()) Object.assign(out, tree(dir, path));
    else out[path] = sha256Digest(readFileSync(join(dir, path)));
  }
  return out;
}

describe("OCI layer and layout with the core's argv (real go, GNU tar, gzip)", () => {
  const plan = servicePlan(1_700_000_000);
  let dist: string;
  let first: Awaited<ReturnType<typeof assemble>>;
  let second: Awaited<ReturnType<typeof assemble>>;

  beforeAll(async () => {
    dist = await buildHelloApi([...PLATFORMS]);
    first = await assemble(plan, dist);
    // Another run, with the inputs' own file times and modes changed: none of it may show.
    second = await assemble(plan, dist, (binary) => {
      chmodSync(binary, 0o700);
      utimesSync(binary, new Date(), new Date());
    });
  });

  it("writes byte-identical layer blobs for each platform", () => {
    for (const [i, layer] of first.layers.entries()) {
      expect(layer.blob).not.toBe(second.layers[i]!.blob);
      expect(readFileSync(layer.blob).equals(readFileSync(second.layers[i]!.blob))).toBe(true);
    }
    expect(first.layers[0]!.digest).not.toBe(first.layers[1]!.digest);
  });

  it("measures what the blobs are: digest and size of the gzip, diff_id of the tar inside it", () => {
    for (const layer of first.layers) {
      const blob = readFileSync(layer.blob);
      expect(layer.digest).toBe(sha256Digest(blob));
      expect(layer.size).toBe(blob.length);
      expect(layer.diffId).toBe(sha256Digest(gunzipSync(blob)));
    }
  });

  it("gzips without a file name or time (gzip -n)", () => {
    const header = readFileSync(first.layers[0]!.blob).subarray(0, 10);
    expect(header.readUInt32LE(4)).toBe(0);
    expect(header[3]! & 0x08).toBe(0);
  });

  it("holds sorted entries with the plan's modes, owners and the commit time, and no names or pax noise", async () => {
    const listing = await mustRun(["tar", "--list", "--verbose", "--numeric-owner", "--full-time", "--file", first.layers[0]!.tar], dist, { TZ: "UTC" });
    const rows = listing.stdout
      .trim()
      .split("\n")
      .map((l) => l.split(/\s+/));
    expect(rows.map((r) => [r[0], r[1], r[3], r[4], r[5]])).toEqual([
      ["drwxr-xr-x", "0/0", "2023-11-14", "22:13:20", "app/"],
      ["-rwxr-xr-x", "0/0", "2023-11-14", "22:13:20", "app/hello-api"],
      ["drwxr-xr-x", "0/0", "2023-11-14", "22:13:20", "etc/"],
      ["-rw-r--r--", "0/0", "2023-11-14", "22:13:20", "etc/group"],
      ["-rw-r--r--", "0/0", "2023-11-14", "22:13:20", "etc/passwd"],
      ["drwxr-xr-x", "0/0", "2023-11-14", "22:13:20", "etc/ssl/"],
      ["drwxr-xr-x", "0/0", "2023-11-14", "22:13:20", "etc/ssl/certs/"],
      ["-rw-r--r--", "0/0", "2023-11-14", "22:13:20", "etc/ssl/certs/ca-certificates.crt"],
      ["drwxr-xr-x", "0/0", "2023-11-14", "22:13:20", "home/"],
      ["drwxr-xr-x", "65532/65532", "2023-11-14", "22:13:20", "home/nonroot/"],
      ["drwxrwxrwt", "0/0", "2023-11-14", "22:13:20", "tmp/"],
    ]);
    // No pax extended headers (type x) at all, hence no atime, ctime or pid; no user or group names.
    const headers = tarHeaders(readFileSync(first.layers[0]!.tar));
    expect(headers).toHaveLength(rows.length);
    expect(new Set(headers.map((h) => h.type))).toEqual(new Set(["0", "5"]));
    expect(headers.every((h) => h.uname === "" && h.gname === "")).toBe(true);
  });

  it("writes the whole layout twice with the same files and the same index digest", () => {
    expect(second.image.digest).toBe(first.image.digest);
    expect(tree(second.layout)).toEqual(tree(first.layout));
    expect(Object.keys(tree(first.layout))).toContain(`blobs/sha256/${first.image.digest.slice(7)}`);
  });

  it("archives the layout as one tar with the same bytes from two layouts written apart (the tarball function's argv)", async () => {
    const [a, b] = [join(first.layout, "..", "image-a.tar"), join(second.layout, "..", "image-b.tar")];
    await mustRun(layoutTarballArgv(first.layout, a), dist);
    await mustRun(layoutTarballArgv(second.layout, b), dist);
    expect(sha256Digest(readFileSync(a))).toBe(sha256Digest(readFileSync(b)));
    const listing = await mustRun(["tar", "--list", "--file", a], dist);
    expect(listing.stdout).toContain("./index.json");
    expect(listing.stdout).toContain("./oci-layout");
  });

  it("copies the zoneinfo tree reproducibly, root-owned, with normalised modes and its symlinks kept", async () => {
    const withTzdata = planImage({ name: "hello-api", base: "scratch", builtPlatforms: ["linux/amd64"], tzdata: true, sourceDateEpoch: 1_700_000_000 });
    const binary = join(dist, withTzdata.platforms[0]!.binaryFile);
    const [a, b] = [await runLayerPlan(planLayer(withTzdata), binary), await runLayerPlan(planLayer(withTzdata), binary)];
    expect(readFileSync(a.blob).equals(readFileSync(b.blob))).toBe(true);
    const listing = await mustRun(["tar", "--list", "--verbose", "--numeric-owner", "--file", a.tar], dist);
    const zoneinfo = listing.stdout
      .trim()
      .split("\n")
      .filter((l) => / usr\/share\/zoneinfo\//.test(l));
    expect(zoneinfo.length).toBeGreaterThan(100);
    expect(zoneinfo.every((l) => l.split(/\s+/)[1] === "0/0")).toBe(true);
    const modes = new Set(zoneinfo.map((l) => l.split(/\s+/)[0]));
    expect([...modes].filter((m) => !["drwxr-xr-x", "-rw-r--r--", "lrwxrwxrwx"].includes(m!))).toEqual([]);
    expect(modes.has("lrwxrwxrwx")).toBe(true);
    expect(zoneinfo.some((l) => l.includes("usr/share/zoneinfo/UTC"))).toBe(true);
  });

  it("gives another digest for another commit time, and the epoch for an unknown one", async () => {
    const unknown = await assemble(servicePlan(undefined), dist);
    expect(unknown.image.digest).not.toBe(first.image.digest);
    expect(unknown.layers[0]!.diffId).not.toBe(first.layers[0]!.diffId);
    expect(JSON.parse(unknown.image.platforms[0]!.config.text).created).toBe("1970-01-01T00:00:00Z");
  });
});
