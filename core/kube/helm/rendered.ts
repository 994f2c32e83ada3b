import { LineCounter, parseAllDocuments } from "yaml";

import { FileError, GantryError } from "../../errors.js";
import { isRecord } from "../json.js";
import type { ChartConfig } from "../config/chart.js";
import type { KubeObject } from "../manifests/objects.js";
import { routerFor } from "../routers/registry.js";
import { chartWorkload, type ChartWorkload } from "../rollout/chart.js";
import type { Environment } from "../config/types.js";
import type { ToolRun } from "../../image/tool-run.js";
import { planTemplate, type HelmRunOptions } from "./helm-tool.js";
import { requireImageSet } from "./image-values.js";

/**
 * The objects `helm template` printed (multi-document YAML, `# Source:` comments), in order. A
 * document that is not an object with apiVersion, kind and metadata.name is an error naming the
 * chart's template it came from.
 */
export function parseRendered(yaml: string, chart: string): KubeObject[] {
  const lines = new LineCounter();
  const objects: KubeObject[] = [];
  for (const doc of parseAllDocuments(yaml, { lineCounter: lines })) {
    const comments = `${doc.commentBefore ?? ""}\n${(doc.contents as { commentBefore?: string } | null)?.commentBefore ?? ""}`;
    const source = /^ ?Source: (.+)$/m.exec(comments)?.[1]?.trim() ?? chart;
    // Lines count in helm's output (the template's lines after rendering), so the file is named as rendered.
    const where = `${source} (as rendered)`;
    if (doc.errors.length > 0) throw new FileError(where, doc.errors[0]!.message.split("\n")[0]!, doc.errors[0]!.linePos?.[0]?.line);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      if (e instanceof ReferenceError) throw new FileError(where, `its aliases expand to too many nodes (${e.message.split("\n")[0]})`);
      throw e;
    }
    if (value === null || value === undefined) continue;
    const meta = isRecord(value) ? value["metadata"] : undefined;
    if (
      !isRecord(value) ||
      typeof value["apiVersion"] !== "string" ||
      typeof value["kind"] !== "string" ||
      !isRecord(meta) ||
      typeof meta["name"] !== "string"
    ) {
      throw new FileError(where, "a document that is not a Kubernetes object (apiVersion, kind and metadata.name)");
    }
    objects.push(value as KubeObject);
  }
  return objects;
}

/** The Deployment to roll out: the one `workload` names, or the chart's only one. */
export function selectWorkload(objects: KubeObject[], workload: string | undefined, chart: string): KubeObject {
  const deployments = objects.filter((o) => o.kind === "Deployment");
  const names = deployments.map((d) => d.metadata.name).join(", ");
  if (workload !== undefined) {
    const found = deployments.find((d) => d.metadata.name === workload);
    if (!found) throw new GantryError(`chart.workload: ${chart} renders no Deployment named ${workload} (it renders: ${names || "none"})`);
    return found;
  }
  if (deployments.length === 1) return deployments[0]!;
  throw new GantryError(
    deployments.length === 0
      ? `chart: ${chart} renders no Deployment to roll out`
      : `chart.workload: ${chart} renders ${deployments.length} Deployments (${names}); name the one to roll out with workload:`,
  );
}

/**
 * The chart's rendered objects as the rollout takes them: the workload selected, the pushed image
 * checked on it, helm hooks left out. Objects keep the namespace they render with (most charts leave it out, and
 * kubectl applies into the environment's); another namespace is refused.
 */
export function renderedWorkload(yaml: string, env: Environment, image: string): ChartWorkload {
  const config = requireChart(env);
  const name = chartName(config);
  // Hooks (tests, pre-install jobs) run at helm's lifecycle points, which a rollout has none of.
  const objects = parseRendered(yaml, name).filter((o) => o.metadata.annotations?.["helm.sh/hook"] === undefined);
  for (const o of objects) requireNamespace(o, env.namespace, name);
  const deployment = selectWorkload(objects, config.workload, name);
  requireImageSet(deployment, image, config.image);
  const s = env.strategy;
  const tracked = s.kind === "canary" && !routerFor(s.router).sharesService;
  return chartWorkload(objects, deployment, tracked);
}

export function requireChart(env: Environment): ChartConfig {
  if (!env.chart) throw new GantryError(`environment ${env.name} names no chart`);
  return env.chart;
}

/** How errors name the chart: its directory or its OCI reference. */
export function chartName(config: ChartConfig): string {
  const s = config.source;
  return s.kind === "path" ? s.path : `${s.ref}${s.digest ? `@${s.digest}` : `:${s.version}`}`;
}

function requireNamespace(o: KubeObject, namespace: string, chart: string): void {
  const given = o.metadata.namespace;
  if (given !== undefined && given !== namespace)
    throw new GantryError(`chart: ${chart} renders ${o.kind} ${o.metadata.name} into namespace ${given}, not the environment's ${namespace}`);
}

/** Where the adapter puts what `helm template` reads in its container (the host tests use their own directories). */
export interface ChartFiles {
  /** The repository's root: a chart directory and values files are relative to it. */
  repository: string;
  /** The file holding imageValuesYaml. */
  imageValues: string;
}

/** `helm template` of the environment's chart, with its values files and the pushed image's values last. */
export function planChartTemplate(env: Environment, service: string, files: ChartFiles, options: HelmRunOptions = {}): ToolRun {
  const config = requireChart(env);
  const s = config.source;
  const chart = s.kind === "path" ? `${files.repository}/${s.path}` : s.digest ? `${s.ref}@${s.digest}` : s.ref;
  return planTemplate(
    {
      release: config.release ?? service,
      chart,
      namespace: env.namespace,
      ...(s.kind === "oci" && !s.digest && s.version ? { version: s.version } : {}),
      valuesFiles: [...config.values.map((v) => `${files.repository}/${v}`), files.imageValues],
    },
    options,
  );
}
