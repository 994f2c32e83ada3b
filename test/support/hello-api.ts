// Real hello-api processes on loopback for analysis tests: built once with the real go, each
// instance on a free port with its own failure injection (examples/hello-api/config.go).
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

import { buildHelloApi } from "./oci.js";
import { freePort } from "./ports.js";

/** The host's hello-api binary, built by the core's Go build plan (see oci.ts). */
export async function hostHelloApi(): Promise<string> {
  const dir = await buildHelloApi([process.arch === "arm64" ? "linux/arm64" : "linux/amd64"]);
  const [binary] = readdirSync(dir);
  if (!binary) throw new Error(`no binary in ${dir}`);
  return join(dir, binary);
}

export interface HelloApi {
  /** host:port, for Prometheus targets. */
  address: string;
  port: number;
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts an instance with ERROR_RATE / LATENCY / SEED as given; resolves once /readyz answers 200.
 * It listens on loopback unless given another of the host's addresses.
 */
export async function startHelloApi(binary: string, env: { ERROR_RATE?: string; LATENCY?: string; SEED?: string } = {}, host = "127.0.0.1"): Promise<HelloApi> {
  const port = await freePort();
  const address = `${host}:${port}`;
  const child: ChildProcess = spawn(binary, ["--addr", address], { env: { ...process.env, SEED: "42", ...env }, stdio: "ignore" });
  const url = `http://${address}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`hello-api exited ${child.exitCode}`);
    if (
      await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error("hello-api not ready after 20s");
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    address,
    port,
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/**
 * Sends GET / to every instance, `concurrency` at a time each, until `until` resolves or `max`
 * requests were sent per instance (a bounded loop: a hung rollout cannot keep it running).
 */
export async function driveTraffic(instances: HelloApi[], until: Promise<unknown>, options: { concurrency?: number; max?: number } = {}): Promise<number> {
  let done = false;
  void until.finally(() => (done = true));
  const max = options.max ?? 20_000;
  let sent = 0;
  const worker = async (instance: HelloApi) => {
    for (let i = 0; i < max && !done; i++) {
      sent++;
      await fetch(`${instance.url}/`, { signal: AbortSignal.timeout(10_000) }).then(
        (r) => r.arrayBuffer(),
        () => undefined,
      );
    }
  };
  await Promise.all(instances.flatMap((instance) => Array.from({ length: options.concurrency ?? 4 }, () => worker(instance))));
  return sent;
}
