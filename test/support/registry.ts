// A real registry for host tests: Debian's docker-registry (distribution 2.8) on a free loopback
// port, storing in a temporary directory, optionally behind htpasswd (bcrypt) logins.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { stringify } from "yaml";

import { freePort } from "./ports.js";

export const REGISTRY_BINARY = "/usr/bin/docker-registry";

export interface Registry {
  /** `127.0.0.1:<port>`: the registry part of an image reference. */
  host: string;
  stop(): Promise<void>;
}

export interface RegistryOptions {
  /** Require this login (basic auth over htpasswd). */
  login?: { username: string; password: string };
}

export async function startRegistry(options: RegistryOptions = {}): Promise<Registry> {
  const dir = mkdtempSync(join(tmpdir(), "gantry-registry-"));
  const host = `127.0.0.1:${await freePort()}`;
  const config: Record<string, unknown> = {
    version: 0.1,
    log: { level: "warn", accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: join(dir, "data") }, delete: { enabled: true } },
    http: { addr: host, secret: "gantry-host-test" },
  };
  if (options.login) {
    // htpasswd reads the password from stdin (-i), so it never sits in a process list.
    const line = execFileSync("htpasswd", ["-B", "-i", "-n", options.login.username], { input: options.login.password, encoding: "utf8" });
    writeFileSync(join(dir, "htpasswd"), line.trim() + "\n");
    config.auth = { htpasswd: { realm: "gantry", path: join(dir, "htpasswd") } };
  }
  writeFileSync(join(dir, "config.yml"), stringify(config));

  const child = spawn(REGISTRY_BINARY, ["serve", join(dir, "config.yml")], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid!, "SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await untilAnswering(host, child, () => stderr);
  } catch (error) {
    await stop();
    throw error;
  }
  return { host, stop };
}

/** Polls GET /v2/ until the registry answers (200, or 401 behind a login). */
async function untilAnswering(host: string, child: ChildProcess, stderr: () => string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}: ${stderr()}`);
    try {
      const res = await fetch(`http://${host}/v2/`);
      if (res.status === 200 || res.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`docker-registry on ${host} did not answer /v2/: ${stderr()}`);
}
