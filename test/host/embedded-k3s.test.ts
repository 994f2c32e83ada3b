// The embedded k3s server's pieces, run for real: the cgroup v2 preparation by sh (on a directory
// laid out like /sys/fs/cgroup; the real one needs the privileged container k3s runs in), the
// kubeconfig wait, shellcheck over the scripts, and the registry mirror file read by the parser k3s
// itself uses (rancher/wharfie, built from the Go module proxy by test/host/k3s-registries).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, describe, expect, it } from "vitest";

import { CGROUP_SCRIPT, k3sServerArgv, readKubeconfigArgv, registriesYaml } from "../../core/embedded/k3s.js";
import { runArgv } from "../support/run.js";

const dir = mkdtempSync(join(tmpdir(), "gantry-k3s-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const script = join(dir, "cgroup-init");
writeFileSync(script, CGROUP_SCRIPT, { mode: 0o755 });

describe("the cgroup v2 preparation before k3s", () => {
  it("moves the processes out of the root cgroup, enables every controller for children, then runs the command", async () => {
    const root = join(dir, "v2");
    mkdirSync(root);
    writeFileSync(join(root, "cgroup.controllers"), "cpuset cpu io memory pids\n");
    writeFileSync(join(root, "cgroup.procs"), "1\n");
    const ran = await runArgv(["sh", script, "echo", "k3s started"], { cwd: dir, env: { GANTRY_CGROUP_ROOT: root } });
    expect(ran.status, ran.stderr).toBe(0);
    expect(ran.stdout).toBe("k3s started\n");
    expect(readFileSync(join(root, "gantry-init", "cgroup.procs"), "utf8")).toBe("1\n");
    expect(readFileSync(join(root, "cgroup.subtree_control"), "utf8")).toBe("+cpuset +cpu +io +memory +pids\n");
  });

  it("leaves a cgroup v1 host alone", async () => {
    const root = join(dir, "v1");
    mkdirSync(root);
    const ran = await runArgv(["sh", script, "true"], { cwd: dir, env: { GANTRY_CGROUP_ROOT: root } });
    expect(ran.status, ran.stderr).toBe(0);
    expect(() => readFileSync(join(root, "cgroup.subtree_control"))).toThrow(/ENOENT/);
  });

  it("passes shellcheck, as do the server's start and the kubeconfig wait", async () => {
    const checked = await runArgv(["shellcheck", "-s", "sh", script], { cwd: dir });
    expect(checked.status, checked.stdout).toBe(0);
    for (const [name, argv] of [
      ["start", k3sServerArgv().slice(1)],
      ["wait", readKubeconfigArgv(1)],
    ] as const) {
      const file = join(dir, name);
      writeFileSync(file, `#!/bin/sh\n${argv[2]}\n`);
      const ran = await runArgv(["shellcheck", "-s", "sh", file], { cwd: dir });
      expect(ran.status, ran.stdout).toBe(0);
    }
  });

  it("gives up waiting for the kubeconfig, saying how long it waited", async () => {
    const ran = await runArgv(readKubeconfigArgv(1), { cwd: dir });
    expect(ran.status).toBe(1);
    expect(ran.stderr).toBe("k3s wrote no kubeconfig in 1s\n");
  });
});

describe("the registry mirror file, as k3s reads it", () => {
  it("sends pulls of gantry-registry:5000 images to that registry over plain HTTP", async () => {
    const file = join(dir, "registries.yaml");
    writeFileSync(file, registriesYaml());
    const reader = fileURLToPath(new URL("./k3s-registries/", import.meta.url));
    const ran = await runArgv(["go", "run", ".", file], { cwd: reader, env: { GOFLAGS: "-mod=readonly" }, timeoutMs: 300_000 });
    expect(ran.status, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout)).toEqual({
      mirrors: { "gantry-registry:5000": { endpoint: ["http://gantry-registry:5000"], rewrite: null } },
      configs: null,
      auths: null,
    });
  }, 300_000);
});
