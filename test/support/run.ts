import { execFile } from "node:child_process";

export interface Ran {
  status: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Written to the command's standard input, which is then closed. */
  input?: string;
}

/**
 * Runs an argv exactly as a container would (no shell), with the plan's env over the host's.
 * Asynchronous on purpose: a long spawnSync blocks the vitest worker, whose RPC then times out.
 */
export function runArgv(argv: string[], options: RunOptions): Promise<Ran> {
  const [cmd, ...args] = argv;
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd!,
      args,
      { cwd: options.cwd, env: { ...process.env, ...options.env }, encoding: "utf8", maxBuffer: 256 * 1024 * 1024, timeout: options.timeoutMs ?? 10 * 60_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") return reject(error);
        resolve({ status: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
    if (options.input !== undefined) {
      // A command that exits without reading its input must not crash the worker with EPIPE.
      child.stdin?.on("error", () => {});
      child.stdin?.end(options.input);
    }
  });
}
