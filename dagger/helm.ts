import { randomUUID } from "node:crypto";

import { dag, type Container, type Directory, type Secret, type Service } from "@dagger.io/dagger";

import { GantryError } from "../core/errors.js";
import type { Environment } from "../core/kube/config/types.js";
import { HELM_IMAGE, parsePushed, planLint, planPackage, planPush, type HelmRunOptions } from "../core/kube/helm/helm-tool.js";
import { imageValuesYaml } from "../core/kube/helm/image-values.js";
import { planChartTemplate, renderedWorkload, requireChart } from "../core/kube/helm/rendered.js";
import type { ChartFiles } from "../core/kube/helm/generate.js";
import type { ChartWorkload } from "../core/kube/rollout/chart.js";
import type { ToolRun } from "../core/image/tool-run.js";
import { execTool, stepName, toolContainer, toolStep, withToolDirectory, withToolNewFile, withToolOutput, withToolSecret } from "./tool.js";

const REPOSITORY = "/gantry/src";
const IMAGE_VALUES = "/gantry/image-values.yaml";
const CHART = "/gantry/chart";
const OUT = "/gantry/out";

/** helm in its pinned image (or a mirror), as the image's user, with an OCI registry running as a service bound under its host. */
function helmContainer(run: ToolRun, registry?: { host: string; service: Service }): Container {
  const ctr = toolContainer(run);
  return registry ? ctr.withServiceBinding(registry.host.split(":")[0]!, registry.service) : ctr;
}

/**
 * The environment's chart rendered by `helm template` with the pushed image set through its values,
 * read into the workload a rollout takes: the repository mounted read-only as helm's user, the image
 * values written last. Cached: the same repository, chart, values and image render the same.
 */
export async function renderChart(
  repository: Directory,
  env: Environment,
  service: string,
  image: string,
  version: string | undefined,
  helmImage = HELM_IMAGE,
): Promise<ChartWorkload> {
  const config = requireChart(env);
  const run = planChartTemplate(env, service, { repository: REPOSITORY, imageValues: IMAGE_VALUES }, { image: helmImage });
  let ctr = withToolDirectory(helmContainer(run), "helm", REPOSITORY, repository.withoutDirectory(".git"));
  ctr = withToolNewFile(ctr, "helm", IMAGE_VALUES, imageValuesYaml(image, config.image, version));
  const yaml = await toolStep(stepName(run), execTool(ctr, run).stdout());
  return renderedWorkload(yaml, env, image);
}

/** A generated chart's files as a Directory (what `chart` returns). */
export function chartDirectory(files: ChartFiles): Directory {
  return Object.entries(files).reduce((dir, [path, text]) => dir.withNewFile(path, text), dag.directory());
}

/** `helm lint --strict` of a chart directory; its output when it passes. */
export async function lintChart(chart: Directory, options: HelmRunOptions = {}): Promise<string> {
  const run = planLint(CHART, options);
  return toolStep(stepName(run), execTool(withToolDirectory(helmContainer(run), "helm", CHART, chart), run).stdout());
}

/**
 * Packages the chart with `version` and pushes it to `remote` (oci://registry/path); returns the
 * pushed reference and the chart's digest as the registry stored it. Never cached (a push).
 */
export async function publishChart(
  chart: Directory,
  version: string,
  remote: string,
  options: HelmRunOptions & { registry?: Service; login?: { path: string; secret: Secret } },
): Promise<{ ref: string; digest: string }> {
  const pack = planPackage(CHART, OUT, version, options);
  const host = remote.replace(/^oci:\/\//, "").split("/")[0]!;
  let base = withToolOutput(
    withToolDirectory(helmContainer(pack, options.registry ? { host, service: options.registry } : undefined), "helm", CHART, chart),
    "helm",
    OUT,
  );
  if (options.login) base = withToolSecret(base, "helm", options.login.path, options.login.secret);
  const packed = execTool(base, pack);
  const archive = (await toolStep(stepName(pack), packed.directory(OUT).entries())).find((e) => e.endsWith(".tgz"));
  if (!archive) throw new GantryError(`helm package wrote no chart archive into ${OUT}`);
  const push = planPush(`${OUT}/${archive}`, remote, options);
  // A push changes the registry: never answered from the cache.
  const pushed = execTool(packed.withEnvVariable("GANTRY_HELM_PUSH", randomUUID()), push);
  const output = await toolStep(
    stepName(push),
    pushed.stdout().then(async (out) => `${out}\n${await pushed.stderr()}`),
  );
  return parsePushed(output);
}
