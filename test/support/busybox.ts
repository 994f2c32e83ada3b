// Debian's busybox standing in for the busybox of prom/prometheus: an argv the container runs by
// applet name (["wget", ...], ["sh", "-c", ...]) runs here as ["/bin/busybox", "wget", ...], and PATH
// holds only busybox applets, so a script's own `wget` and `sleep` are busybox's too (the host's
// GNU wget would otherwise answer).
import { mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { runArgv, type Ran } from "./run.js";

/** The applets the embedded Prometheus' argv use. */
const APPLETS = ["sh", "wget", "sleep"];

export interface Busybox {
  /** ["wget", ...] -> ["/bin/busybox", "wget", ...]; refuses an argv that is not one of APPLETS. */
  argv(containerArgv: string[]): string[];
  /** PATH with only busybox applets. */
  env: Record<string, string>;
  run(containerArgv: string[], timeoutMs?: number): Promise<Ran>;
}

export function busybox(binary = "/bin/busybox"): Busybox {
  const bin = mkdtempSync(join(tmpdir(), "gantry-busybox-"));
  for (const applet of APPLETS) symlinkSync(binary, join(bin, applet));
  const env = { PATH: bin };
  const argv = (containerArgv: string[]) => {
    if (!APPLETS.includes(containerArgv[0] ?? "")) throw new Error(`not a busybox applet argv: ${containerArgv.join(" ")}`);
    return [binary, ...containerArgv];
  };
  return {
    argv,
    env,
    run: (containerArgv, timeoutMs = 30_000) => runArgv(argv(containerArgv), { cwd: bin, env, timeoutMs }),
  };
}
