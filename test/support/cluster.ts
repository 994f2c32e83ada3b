// A real Kubernetes control plane for host tests (etcd, kube-apiserver, controller manager,
// scheduler, kwok fake nodes), started and stopped by scripts/cluster.sh.
//
//   let cluster: Cluster;
//   beforeAll(async () => { cluster = await startCluster(); });
//   afterAll(() => cluster?.stop());
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { runArgv, type Ran } from "./run.js";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const clusterScript = join(repoRoot, "scripts", "cluster.sh");

export interface KubectlOptions {
  /** Written to kubectl's standard input (for `-f -`). */
  input?: string;
  namespace?: string;
}

export interface Cluster {
  dir: string;
  kubeconfig: string;
  /** The API server's URL, https://127.0.0.1:<port>. */
  server: string;
  /** Runs the cluster's own kubectl (the version of the control plane) against it. */
  kubectl(args: string[], opts?: KubectlOptions): Promise<Ran>;
  /** Stops every process of the cluster and removes its directory (kept with GANTRY_KEEP_CLUSTER=1). */
  stop(): Promise<void>;
  /** Path of that kubectl, for tests that run an argv built elsewhere. */
  kubectlPath: string;
  /** The Gateway API standard CRDs (one multi-document YAML file). */
  gatewayApiCrds: string;
  /** Their version, e.g. v1.7.0 (the CRDs' gateway.networking.k8s.io/bundle-version). */
  gatewayApiVersion: string;
  /** The Prometheus Operator's ServiceMonitor and PrometheusRule CRDs (one multi-document file). */
  prometheusOperatorCrds: string;
  /** The Kubernetes version the binaries report, e.g. v1.36.3. */
  kubeVersion: string;
  /** The last lines of one component's log (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok). */
  logTail(component: string, lines?: number): string;
}

export interface StartClusterOptions {
  /** Where the cluster keeps its PKI, etcd data, logs and PIDs; a new temporary directory by default. */
  dir?: string;
}

const running = new Set<string>();

// A test run that ends without afterAll (an exception, process.exit) still stops its clusters.
// A killed worker is covered by cluster.sh's watchdog, which follows this process's PID.
process.on("exit", () => {
  for (const dir of running) {
    try {
      execFileSync("bash", [clusterScript, "down", dir], { stdio: "ignore" });
    } catch {
      // Nothing more can be done while exiting.
    }
  }
});

function readEnvFile(file: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const at = line.indexOf("=");
    if (at > 0) values[line.slice(0, at)] = line.slice(at + 1);
  }
  return values;
}

function required(values: Record<string, string>, key: string, file: string): string {
  const value = values[key];
  if (!value) throw new Error(`startCluster: ${file} has no ${key}`);
  return value;
}

export async function startCluster(options: StartClusterOptions = {}): Promise<Cluster> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "gantry-cluster-"));
  running.add(dir);
  const up = await runArgv(["bash", clusterScript, "up", dir], {
    cwd: repoRoot,
    env: { GANTRY_CLUSTER_OWNER_PID: String(process.pid) },
  });
  if (up.status !== 0) {
    running.delete(dir);
    // cluster.sh says what is missing (`npm run setup` for the binaries) or which component failed, with its log.
    throw new Error(`startCluster: scripts/cluster.sh up failed (exit ${up.status}):\n${up.stderr}`);
  }

  const envFile = join(dir, "cluster.env");
  const env = readEnvFile(envFile);
  const kubeconfig = required(env, "KUBECONFIG", envFile);
  const kubectlPath = required(env, "KUBECTL", envFile);
  let stopped: Promise<void> | undefined;

  return {
    dir,
    kubeconfig,
    server: required(env, "SERVER", envFile),
    kubectlPath,
    gatewayApiCrds: required(env, "GATEWAY_API_CRDS", envFile),
    gatewayApiVersion: required(env, "GATEWAY_API_VERSION", envFile),
    prometheusOperatorCrds: required(env, "PROMETHEUS_OPERATOR_CRDS", envFile),
    kubeVersion: required(env, "KUBE_VERSION", envFile),
    kubectl(args, opts = {}) {
      const namespace = opts.namespace === undefined ? [] : ["--namespace", opts.namespace];
      return runArgv([kubectlPath, "--kubeconfig", kubeconfig, ...namespace, ...args], {
        cwd: dir,
        env: { KUBECONFIG: kubeconfig },
        input: opts.input,
        timeoutMs: 5 * 60_000,
      });
    },
    logTail(component, lines = 40) {
      try {
        return readFileSync(join(dir, `${component}.log`), "utf8")
          .split("\n")
          .slice(-lines - 1)
          .join("\n");
      } catch {
        return `(no log for ${component} in ${dir})`;
      }
    },
    stop() {
      stopped ??= (async () => {
        const down = await runArgv(["bash", clusterScript, "down", dir], { cwd: repoRoot });
        running.delete(dir);
        if (down.status !== 0) throw new Error(`scripts/cluster.sh down ${dir} failed (exit ${down.status}):\n${down.stderr}`);
        if (!process.env.GANTRY_KEEP_CLUSTER) rmSync(dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}
