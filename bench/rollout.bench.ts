// The rollout loop's own cost: per canary step, the time Gantry spends beyond kubectl and waiting
// (observing = parsing kubectl's JSON, deciding, rendering YAML, building argv, the state), and the
// loop's memory. kubectl is the in-memory cluster SIMULATION of the unit tests, so that its time is
// measured apart and excluded exactly; pauses pass on a virtual clock. Target: <= 1 s per step.
import { normaliseEnvironment } from "../src/core/kube/config/normalise.js";
import { workload } from "../src/core/kube/manifests/objects.js";
import type { Clock } from "../src/core/kube/ports.js";
import { planRollout } from "../src/core/kube/rollout/plan.js";
import { runRollout } from "../src/core/kube/runner.js";
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
  console.log(`canary of ${REPLICAS} replicas, ${best.steps} steps (nginx router), ${best.calls} kubectl calls per rollout`);
  console.log(`Gantry overhead per step (beyond kubectl and waits): ${perStep.toFixed(2)} ms (target <= ${TARGET_MS_PER_STEP} ms) ${perStep <= TARGET_MS_PER_STEP ? "OK" : "OVER"}`);
  console.log(`whole rollout: overhead ${best.overhead.toFixed(1)} ms, simulated kubectl ${best.kubectl.toFixed(1)} ms`);
  console.log(`heap retained after 3 rollouts: ${((heapAfter - heapBefore) / 1024).toFixed(0)} KiB; rss ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB`);
}
