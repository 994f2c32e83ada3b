// Debian's real prometheus for host tests: scrapes the targets a test gives every second and
// answers PromQL through its HTTP API.
//
//   const prom = await startPrometheus({ targets: ["127.0.0.1:8080"] });
//   const samples = await prom.query('up{job="gantry-test"}');
//   await prom.stop();
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { stringify } from "yaml";

import { freePort } from "./ports.js";

export interface PrometheusOptions {
  /** host:port of each endpoint to scrape. */
  targets: string[];
  /** More endpoints, each group with the labels its series get (as service discovery would add them). */
  targetGroups?: { targets: string[]; labels?: Record<string, string> }[];
  /** Path scraped on each target. */
  metricsPath?: string;
  jobName?: string;
  /** The prometheus binary (Debian's package by default). */
  binary?: string;
}

export interface Sample {
  metric: Record<string, string>;
  /** [unix time in seconds, value as Prometheus prints it]. */
  value: [number, string];
}

export interface Prometheus {
  /** http://127.0.0.1:<port> */
  url: string;
  dir: string;
  /** An instant query through /api/v1/query; the samples of a vector result. */
  query(promql: string): Promise<Sample[]>;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 10_000;

const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

// Follows this process: if the test worker is killed, prometheus goes too.
function stopWhenGone(ownerPid: number, pid: number): ChildProcess {
  const watchdog = spawn(
    "bash",
    [
      "-c",
      'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done; kill -TERM "$2" 2>/dev/null',
      "watchdog",
      String(ownerPid),
      String(pid),
    ],
    {
      detached: true,
      stdio: "ignore",
    },
  );
  watchdog.unref();
  return watchdog;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once("exit", () => resolve()));
}

export interface PrometheusProcess {
  /** http://127.0.0.1:<port> */
  url: string;
  /** The last lines of its log (stdout and stderr). */
  logTail(lines?: number): string;
  /** SIGTERM (SIGKILL after a grace period), then removes `dir`. */
  stop(): Promise<void>;
}

export interface SpawnPrometheusOptions {
  /** The executable; `args` are its arguments (an argv without argv[0]). */
  binary: string;
  args: string[];
  /** Working directory, log file and anything else of this instance; removed on stop. */
  dir: string;
  /** Where the listen address in `args` answers, e.g. http://127.0.0.1:<port>. */
  url: string;
}

/** Runs prometheus with exactly `args`, resolving once /-/ready answers; failing with its log when it exits or never gets ready. */
export async function spawnPrometheus(options: SpawnPrometheusOptions): Promise<PrometheusProcess> {
  const { binary, dir, url } = options;
  const logFile = join(dir, "prometheus.log");
  const log = openSync(logFile, "w");
  const child = spawn(binary, options.args, { cwd: dir, stdio: ["ignore", log, log] });
  running.add(child);
  const spawnError = new Promise<Error>((resolve) => child.once("error", resolve));
  const watchdog = child.pid === undefined ? undefined : stopWhenGone(process.pid, child.pid);
  const logTail = (lines = 30) => readFileSync(logFile, "utf8").split("\n").slice(-lines).join("\n");

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
      await exited(child);
      clearTimeout(timer);
    }
    running.delete(child);
    watchdog?.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const failure = await Promise.race([spawnError, new Promise<undefined>((resolve) => setTimeout(resolve, 100))]);
    if (failure) {
      await stop();
      throw new Error(`startPrometheus: cannot run ${binary} (${failure.message}); run \`npm run setup\``);
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      const why = child.exitCode !== null ? `exited with ${child.exitCode}` : `not ready after ${START_TIMEOUT_MS} ms`;
      const tail = logTail();
      await stop();
      throw new Error(`startPrometheus: prometheus ${why}:\n${tail}`);
    }
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { url, logTail, stop };
  }
}

export async function startPrometheus(options: PrometheusOptions): Promise<Prometheus> {
  const dir = mkdtempSync(join(tmpdir(), "gantry-prometheus-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = {
    global: { scrape_interval: "1s", evaluation_interval: "1s", scrape_timeout: "1s" },
    scrape_configs: [
      {
        job_name: options.jobName ?? "gantry-test",
        metrics_path: options.metricsPath ?? "/metrics",
        static_configs: [{ targets: options.targets }, ...(options.targetGroups ?? [])],
      },
    ],
  };
  writeFileSync(join(dir, "prometheus.yml"), stringify(config));
  const { stop } = await spawnPrometheus({
    binary: options.binary ?? "prometheus",
    args: [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    dir,
    url,
  });

  return {
    url,
    dir,
    async query(promql) {
      const response = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: promql })}`);
      const body = (await response.json()) as { status: string; error?: string; data?: { resultType: string; result: Sample[] } };
      if (body.status !== "success" || !body.data) throw new Error(`prometheus query ${promql} failed: ${body.error ?? response.status}`);
      if (body.data.resultType !== "vector") throw new Error(`prometheus query ${promql} gave a ${body.data.resultType}, not a vector`);
      return body.data.result;
    },
    stop,
  };
}
