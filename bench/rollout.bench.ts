// The rollout loop's own cost: per canary step, the time Gantry spends beyond kubectl and waiting
// (observing = parsing kubectl's JSON, deciding, rendering YAML, building argv, the state), and the
// loop's memory. Twice: on the in-memory kubectl SIMULATION of the unit tests (large rollouts,
// pauses on a virtual clock), and on the REAL control plane of the host tests with the real
// kubectl, whose time the loop measures and excludes. Target: <= 1 s per step.
import { normaliseEnvironment } from "../test/support/environment.js";
import { workload } from "../core/kube/manifests/objects.js";
import type { Clock } from "../core/kube/ports.js";
import { planRollout } from "../core/kube/rollout/plan.js";
import { runRollout } from "../core/kube/runner.js";
import { startCluster } from "../test/support/cluster.js";
import { clusterPorts, restrictedNamespace } from "../test/support/kube-host.js";
import { ClusterSimulation, FakeClock } from "../test/support/kube-simulation.js";

const TARGET_MS_PER_STEP = 1000;
const REPLICAS = 50;
const WEIGHTS = [1, 2, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100];

/** Real time for Gantry's work, plus a virtual offset for sleeps (pauses and polls). */
class BenchClock implements Clock {
  private virtual = 0;
  now(): number {
    return performance.now() + this.virtual;
  }
  async sleep(ms: number): Promise<void> {
    this.virtual += ms;
  }
}

const environment = (name: string) =>
  normaliseEnvironment(
    name,
    {
      namespace: "shop",
      replicas: REPLICAS,
      config: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`KEY_${i}`, `value ${i}`.repeat(10)])),
      ingress: { host: "api.example.com", className: "nginx" },
      strategy: { type: "canary", trafficRouter: "nginx", steps: WEIGHTS.flatMap((w) => [{ setWeight: w }, { pause: { duration: "30s" } }]) },
    },
    { file: "bench" },
  );

export default async function bench(): Promise<void> {
  await onSimulation();
  await onRealCluster();
}

async function onSimulation(): Promise<void> {
  const clock = new BenchClock();
  const cluster = new ClusterSimulation(clock as unknown as FakeClock);
  const image = (c: string) => `ghcr.io/acme/hello-api@sha256:${c.repeat(64)}`;
  await runRollout(planRollout(workload("hello-api", image("a"), environment("bench"))), { kubectl: cluster, clock });

  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const rounds: { overhead: number; kubectl: number; calls: number; steps: number }[] = [];
  for (const digit of ["b", "c", "d"]) {
    const report = await runRollout(planRollout(workload("hello-api", image(digit), environment("bench"))), { kubectl: cluster, clock });
    if (report.verdict !== "promoted") throw new Error(`bench rollout ended ${report.verdict}: ${report.reason}`);
    const t = report.timings;
    rounds.push({ overhead: t.totalMs - t.kubectlMs - t.waitMs, kubectl: t.kubectlMs, calls: t.kubectlCalls, steps: WEIGHTS.length * 2 });
  }
  globalThis.gc?.();
  const heapAfter = process.memoryUsage().heapUsed;

  const best = rounds.reduce((a, b) => (a.overhead <= b.overhead ? a : b));
  const perStep = best.overhead / best.steps;
  console.log(`simulation: canary of ${REPLICAS} replicas, ${best.steps} steps (nginx router), ${best.calls} kubectl calls per rollout`);
  console.log(
    `Gantry overhead per step (beyond kubectl and waits): ${perStep.toFixed(2)} ms (target <= ${TARGET_MS_PER_STEP} ms) ${perStep <= TARGET_MS_PER_STEP ? "OK" : "OVER"}`,
  );
  console.log(`whole rollout: overhead ${best.overhead.toFixed(1)} ms, simulated kubectl ${best.kubectl.toFixed(1)} ms`);
  console.log(
    `heap retained after 3 rollouts: ${((heapAfter - heapBefore) / 1024).toFixed(0)} KiB; rss ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB`,
  );
}

/** A canary of 10 weight steps on the real API server (kwok pods), timed by the loop itself. */
async function onRealCluster(): Promise<void> {
  let cluster;
  try {
    cluster = await startCluster();
  } catch (e) {
    console.log(`real cluster: skipped (${(e as Error).message.split("\n")[0]}); run npm run setup`);
    return;
  }
  try {
    const namespace = await restrictedNamespace(cluster, "bench");
    const steps = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((w) => ({ setWeight: w }));
    const env = normaliseEnvironment("bench", { namespace, replicas: 10, strategy: { type: "canary", steps } }, { file: "bench" });
    const ports = clusterPorts(cluster);
    const image = (c: string) => `ghcr.io/acme/hello-api@sha256:${c.repeat(64)}`;
    await runRollout(planRollout(workload("hello-api", image("a"), env), { pollMs: 200 }), ports);
    const rssBefore = process.memoryUsage().rss;
    const report = await runRollout(planRollout(workload("hello-api", image("b"), env), { pollMs: 200 }), ports);
    if (report.verdict !== "promoted") throw new Error(`bench rollout ended ${report.verdict}: ${report.reason}`);
    const t = report.timings;
    const overhead = t.totalMs - t.kubectlMs - t.waitMs;
    const perStep = overhead / steps.length;
    console.log(
      `real cluster: canary of 10 replicas, ${steps.length} steps, ${t.kubectlCalls} kubectl calls, ${(t.totalMs / 1000).toFixed(1)} s in all (${(t.kubectlMs / 1000).toFixed(1)} s kubectl, ${(t.waitMs / 1000).toFixed(1)} s waiting for pods)`,
    );
    console.log(
      `real cluster: Gantry overhead per step: ${perStep.toFixed(2)} ms (target <= ${TARGET_MS_PER_STEP} ms) ${perStep <= TARGET_MS_PER_STEP ? "OK" : "OVER"}; rss grew ${((process.memoryUsage().rss - rssBefore) / 1024 / 1024).toFixed(1)} MiB`,
    );
  } finally {
    await cluster.stop();
  }
}
