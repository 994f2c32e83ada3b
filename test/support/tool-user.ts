// Running a tool on this machine as the uid its container image runs as (core/tool-access.ts), on
// files owned as the adapter mounts them. The tests run as root here; on a CI runner they do not,
// and the steps that need root go through `sudo -n`.
import { tmpdir } from "node:os";

import type { ToolUser } from "../../core/tool-access.js";
import { runArgv } from "./run.js";

const runningAs = (): ToolUser => ({ uid: process.getuid!(), gid: process.getgid!() });

/** An argv run as root: itself when the tests run as root, else through `sudo -n`. */
export function privileged(argv: string[]): string[] {
  return runningAs().uid === 0 ? argv : ["sudo", "-n", ...argv];
}

/** An argv run as `user`, as a container whose image declares that user runs it (setpriv drops root's groups too). */
export function asUser(user: ToolUser, argv: string[]): string[] {
  const me = runningAs();
  if (me.uid === user.uid && me.gid === user.gid) return argv;
  return privileged(["setpriv", `--reuid=${user.uid}`, `--regid=${user.gid}`, "--clear-groups", "--", ...argv]);
}

/** Gives `path` (and all under it) to `user`, as a mount's or a secret's owner option does. */
export async function chownTo(user: ToolUser, path: string): Promise<void> {
  const ran = await runArgv(privileged(["chown", "-R", `${user.uid}:${user.gid}`, path]), { cwd: tmpdir() });
  if (ran.status !== 0) throw new Error(`chown ${path} to ${user.uid}:${user.gid}: ${ran.stderr}`);
}
