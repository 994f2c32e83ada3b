// One rollout in a process of its own, against a cluster, that SIGKILLs itself just before the
// action whose reason it is given: a real kill between two actions (nothing in the loop runs after
// it), for the host tests of resuming. Run in-process with tsx's loader:
//   node --import tsx test/support/rollout-process.ts <kubectl> <kubeconfig> '{"namespace", "raw", "image", "killBefore"}'
import { workload } from "../../core/kube/manifests/objects.js";
import { systemClock, type Ports } from "../../core/kube/ports.js";
import { planRollout } from "../../core/kube/rollout/plan.js";
import { runRollout } from "../../core/kube/runner.js";
import { normaliseEnvironment } from "./environment.js";
import { runArgv } from "./run.js";

const [kubectl, kubeconfig, json] = process.argv.slice(2);
const { namespace, raw, image, killBefore } = JSON.parse(json!) as { namespace: string; raw: Record<string, unknown>; image: string; killBefore: string };
const env = normaliseEnvironment("production", { namespace, ...raw }, { file: "pipelines/hello.yaml" });
const ports: Ports = {
  kubectl: {
    run: (argv, stdin) =>
      runArgv([kubectl!, "--kubeconfig", kubeconfig!, ...argv.slice(1)], { cwd: process.cwd(), ...(stdin === undefined ? {} : { input: stdin }) }),
  },
  clock: systemClock,
};
const report = await runRollout(planRollout(workload("hello-api", image, env), { pollMs: 300 }), ports, {
  onAction: (action) => {
    if (action.reason === killBefore) process.kill(process.pid, "SIGKILL");
  },
});
// Reached only when the action never came: the test then fails on the exit status.
console.log(JSON.stringify({ verdict: report.verdict, reason: report.reason }));
