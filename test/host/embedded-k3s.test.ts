// The embedded k3s server's shell pieces run by a real sh: the cgroup v2 preparation (on a directory
// laid out like /sys/fs/cgroup; the real one needs the privileged container k3s runs in) and the
// kubeconfig wait, plus shellcheck over both.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { CGROUP_SCRIPT, k3sServerArgv, readKubeconfigArgv } from "../../core/embedded/k3s.js";
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
    for (const [name, argv] of [["start", k3sServerArgv().slice(1)], ["wait", readKubeconfigArgv(1)]] as const) {
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
