import { describe, expect, it } from "vitest";

import { planImage } from "../../../../core/image/plan.js";
import { planLayer, parseLayerMeasure } from "../../../../core/image/oci/layer.js";
import { OPTIONS } from "./inputs.js";

describe("planLayer", () => {
  const scratch = planLayer(planImage({ ...OPTIONS, tzdata: true }));

  it("creates every directory explicitly, parents first, with the plan's modes and owners", () => {
    const dirs = scratch.steps.filter((s) => s[0] === "install" && s[1] === "-d").map((s) => [s.at(-1), s[3], `${s[5]}:${s[7]}`]);
    expect(dirs).toEqual([
      ["root/app", "0755", "0:0"],
      ["root/etc", "0755", "0:0"],
      ["root/etc/ssl", "0755", "0:0"],
      ["root/etc/ssl/certs", "0755", "0:0"],
      ["root/home", "0755", "0:0"],
      ["root/home/nonroot", "0755", "65532:65532"],
      ["root/tmp", "1777", "0:0"],
      ["root/usr", "0755", "0:0"],
      ["root/usr/share", "0755", "0:0"],
    ]);
  });

  it("installs the binary, the rootfs files and the CA bundle root-owned with fixed modes", () => {
    const files = scratch.steps.filter((s) => s[0] === "install" && s[1] !== "-d").map((s) => s.join(" "));
    expect(files).toEqual([
      "install -m 0755 -o 0 -g 0 in/binary root/app/hello-api",
      "install -m 0644 -o 0 -g 0 in/files/etc/group root/etc/group",
      "install -m 0644 -o 0 -g 0 in/files/etc/passwd root/etc/passwd",
      "install -m 0644 -o 0 -g 0 /etc/ssl/certs/ca-certificates.crt root/etc/ssl/certs/ca-certificates.crt",
    ]);
    expect(scratch.inputs.map((i) => i.path)).toEqual(["in/files/etc/passwd", "in/files/etc/group"]);
    expect(scratch.steps.filter((s) => s.at(-1) === "root/usr/share/zoneinfo").map((s) => s[0])).toEqual(["cp", "chmod", "chown"]);
  });

  it("archives sorted, at the commit time, without names, atime, ctime or pids, and gzips without name or time", () => {
    const [tar, gzip] = scratch.steps.slice(-2);
    expect(tar).toEqual([
      "tar",
      "--create",
      "--file=out/layer.tar",
      "--directory=root",
      "--sort=name",
      "--format=posix",
      "--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime",
      "--mtime=@1700000000",
      "--numeric-owner",
      "--",
      "app",
      "etc",
      "home",
      "tmp",
      "usr",
    ]);
    expect(gzip).toEqual(["gzip", "--no-name", "--keep", "-6", "out/layer.tar"]);
    expect(planLayer(planImage({ ...OPTIONS, sourceDateEpoch: undefined })).steps.at(-2)).toContain("--mtime=@0");
  });

  it("adds only the binary on a base that has the rest", () => {
    const distroless = planLayer(planImage({ ...OPTIONS, base: "distroless", entrypoint: "/srv/bin/api" }));
    expect(distroless.steps.slice(1, -2).map((s) => s.join(" "))).toEqual([
      "install -d -m 0755 -o 0 -g 0 root/srv",
      "install -d -m 0755 -o 0 -g 0 root/srv/bin",
      "install -m 0755 -o 0 -g 0 in/binary root/srv/bin/api",
    ]);
    expect(distroless.inputs).toEqual([]);
  });
});

describe("parseLayerMeasure", () => {
  const sums = `${"b".repeat(64)}  out/layer.tar\n${"a".repeat(64)}  out/layer.tar.gz\n`;

  it("reads sha256sum's and stat's output", () => {
    expect(parseLayerMeasure(sums, "1234\n")).toEqual({ digest: `sha256:${"a".repeat(64)}`, diffId: `sha256:${"b".repeat(64)}`, size: 1234 });
  });

  it("refuses output that lacks a file or a size", () => {
    expect(() => parseLayerMeasure(sums.split("\n")[0]!, "1")).toThrow(/no sha256/);
    expect(() => parseLayerMeasure(sums, "")).toThrow(/no size/);
  });
});
