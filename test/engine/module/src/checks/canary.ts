// Check 6: on an embedded cluster (k3s, registry and Prometheus as Dagger services), a good canary
// promotes and leaves the stable Deployment on the rolled-out image, ready; a canary whose error
// rate is raised is rolled back by analysis and leaves no ready canary pod.
import type { Directory, GantryRollout } from "@dagger.io/dagger";

import { expectEqual, expectThat } from "../expect.js";
import { parseWorkload } from "../parse.js";
import { pipelineFacts } from "../pipeline.js";
import { gantry } from "../release.js";

/** Rolls the environment out on a fresh embedded cluster; badCanary raises the canary's error rate. */
function rollOut(source: Directory, badCanary: boolean): GantryRollout {
  return gantry().demo({ source, badCanary, kubernetesImage: "", registryImage: "", prometheusImage: "" });
}

async function summary(rollout: GantryRollout) {
  return {
    verdict: await rollout.verdict(),
    reason: await rollout.reason(),
    image: await rollout.image(),
    revision: await rollout.revision(),
    workloads: (await rollout.workloads()).map(parseWorkload),
  };
}

export async function checkCanary(source: Directory): Promise<string> {
  const { name } = await pipelineFacts(source);
  // Gantry names the canary's Deployment <service>-canary and the stable one <service> (core/kube/manifests/names.ts).
  const canaryName = `${name}-canary`;

  const good = await summary(rollOut(source, false));
  expectEqual(good.verdict, "promoted", `good canary verdict (${good.reason})`);
  const stable = good.workloads.find((w) => w.name === name);
  expectThat(stable !== undefined, `good canary: no stable Deployment ${name} among ${good.workloads.map((w) => w.name).join(", ")}`);
  expectEqual(stable!.image, good.image, "good canary: the stable Deployment's image");
  expectEqual(stable!.revision, good.revision, "good canary: the stable Deployment's revision");
  expectThat(stable!.desired > 0 && stable!.ready === stable!.desired, `good canary: stable ${stable!.ready}/${stable!.desired} ready`);

  const bad = await summary(rollOut(source, true));
  expectEqual(bad.verdict, "aborted", `bad canary verdict (${bad.reason})`);
  const readyCanary = bad.workloads.filter((w) => w.name === canaryName && w.ready > 0);
  expectThat(readyCanary.length === 0, `bad canary: ${readyCanary.map((w) => `${w.name} ${w.ready}/${w.desired}`).join(", ")} still ready after the rollback`);
  // The demo's canary is the stable's image with one more variable: the revision tells them apart.
  const onBadRevision = bad.workloads.filter((w) => w.revision === bad.revision && w.ready > 0);
  expectThat(onBadRevision.length === 0, `bad canary: ${onBadRevision.map((w) => w.name).join(", ")} still serve the rolled-back revision ${bad.revision}`);
  const serving = bad.workloads.find((w) => w.name === name);
  expectThat(
    serving !== undefined && serving.ready > 0 && serving.ready === serving.desired,
    `bad canary: the stable Deployment ${name} should serve, all ready, after the rollback`,
  );
  return `canary: good canary promoted (${name} ${stable!.ready}/${stable!.desired} on ${good.image}); bad canary aborted (${bad.reason}), no ready canary pod`;
}
