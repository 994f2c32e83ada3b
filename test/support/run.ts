import { execFile } from "node:child_process";

export interface Ran {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs an argv exactly as a container would (no shell), with the plan's env over the host's.
 * Asynchronous on purpose: a long spawnSync blocks the vitest worker, whose RPC then times out.
 */
export function runArgv(argv: string[], options: { cwd: string; env?: Record<string, string>; timeoutMs?: number }): Promise<Ran> {
  const [cmd, ...args] = argv;
  return new Promise((resolve, reject) => {
    execFile(
      cmd!,
      args,
      { cwd: options.cwd, env: { ...process.env, ...options.env }, encoding: "utf8", maxBuffer: 256 * 1024 * 1024, timeout: options.timeoutMs ?? 10 * 60_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") return reject(error);
        resolve({ status: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
  });
}
