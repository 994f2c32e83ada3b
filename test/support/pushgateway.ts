// A real Prometheus Pushgateway on a loopback port, built by scripts/install-pushgateway.sh.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { freePort } from "./ports.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const VERSION = /^VERSION=(\S+)$/m.exec(readFileSync(join(root, "scripts", "install-pushgateway.sh"), "utf8"))![1]!;
const BINARY = join(root, ".tools", "pushgateway", VERSION, "bin", "pushgateway");

export interface Pushgateway {
  url: string;
  /** Its /metrics text: every pushed group, with the labels of the group. */
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

export async function startPushgateway(): Promise<Pushgateway> {
  if (!existsSync(BINARY)) throw new Error(`the Pushgateway is missing at ${BINARY}: run scripts/install-pushgateway.sh`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(BINARY, [`--web.listen-address=127.0.0.1:${port}`, "--log.level=warn"], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr.on("data", (d: Buffer) => (log += d.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`pushgateway exited ${child.exitCode}: ${log}`);
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`pushgateway not ready within 30s: ${log}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    metrics: async () => (await fetch(`${url}/metrics`)).text(),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
