import { stringify } from "yaml";

import { GantryError } from "../../errors.js";
import { isRecord } from "../json.js";
import type { KubeObject } from "../manifests/objects.js";
import { sortObjects } from "../manifests/yaml.js";
import { renderEnvironment } from "../rollout/base-objects.js";
import type { RolloutPlan } from "../rollout/plan.js";

/** A generated chart: its files by path inside the chart directory. */
export type ChartFiles = Record<string, string>;

// A value the templates read is written as a marker first, then the marker becomes the template
// expression: the YAML stays the yaml library's, and only whole scalars are ever replaced.
const marker = (key: string) => `__gantry_value_${key}__`;
const MARKER = /__gantry_value_([A-Za-z.]+)__/g;

/** Semantic version as Helm requires a chart's version (Masterminds/semver, strict). */
const SEMVER = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** The chart's version from the release's: Helm wants semver; a release without one is 0.0.0. */
export function chartVersion(version: string | undefined): string {
  if (version === undefined) return "0.0.0";
  if (!SEMVER.test(version))
    throw new GantryError(`the release version "${version}" is not a semantic version (1.2.3), which a chart's version must be; pass --version`);
  return version.replace(/^v/, "");
}

/**
 * A Helm chart of the environment: the objects `manifests` renders, one template each, with the
 * image, the replicas (without an HPA), the container's resources and the ingress host read from
 * values.yaml, whose defaults are this environment's; the namespace is the release's. So
 * `helm template --namespace <env's>` with the default values prints exactly `manifests`.
 * The pod template's gantry.dev/revision annotation is the rendered revision: Gantry's own rollouts
 * recompute it, a plain `helm upgrade` with other values leaves it as a label of origin.
 */
export function generateChart(plan: RolloutPlan, version: string | undefined): ChartFiles {
  if (plan.chart)
    throw new GantryError(`environment ${plan.workload.env.name} deploys a chart of its own; generate a chart from an environment of Gantry's objects`);
  const objects = sortObjects(renderEnvironment(plan));
  const values: Record<string, unknown> = {};
  const files: ChartFiles = {};
  const host = plan.workload.env.ingress?.host;
  objects.forEach((o, i) => {
    const templated = parameterise(structuredClone(o), values, host);
    const body = stringify(templated, { lineWidth: 0 }).replace(MARKER, (_, key: string) =>
      key === "namespace" ? "{{ toJson .Release.Namespace }}" : `{{ toJson .Values.${key} }}`,
    );
    files[`templates/${String(i).padStart(2, "0")}-${o.kind.toLowerCase()}-${o.metadata.name}.yaml`] = body;
  });
  const name = plan.workload.service;
  const v = chartVersion(version);
  files["Chart.yaml"] = stringify({
    apiVersion: "v2",
    name,
    description: `${name} in environment ${plan.workload.env.name}, as Gantry renders it`,
    type: "application",
    version: v,
    appVersion: version ?? v,
  });
  files["values.yaml"] = stringify(values, { lineWidth: 0 });
  return files;
}

function parameterise(o: KubeObject, values: Record<string, unknown>, host: string | undefined): KubeObject {
  if (o.metadata.namespace !== undefined) o.metadata.namespace = marker("namespace");
  const spec = o["spec"] as Record<string, any> | undefined;
  if (o.kind === "Deployment" && spec) {
    if (typeof spec["replicas"] === "number") {
      values["replicas"] = spec["replicas"];
      spec["replicas"] = marker("replicas");
    }
    const container = spec["template"]?.["spec"]?.["containers"]?.[0] as Record<string, unknown> | undefined;
    if (container) {
      values["image"] = container["image"];
      container["image"] = marker("image");
      values["resources"] = container["resources"];
      container["resources"] = marker("resources");
    }
  }
  if (host !== undefined) {
    if (replaceString(o, host, marker("ingress.host"))) values["ingress"] = { host };
  }
  return o;
}

/** Replaces every string equal to `from` (an ingress host: rules, TLS hosts, route hostnames); true when one was. */
function replaceString(value: unknown, from: string, to: string): boolean {
  let found = false;
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach((item, i) => (item === from ? ((v[i] = to), (found = true)) : visit(item)));
    } else if (isRecord(v)) {
      for (const [k, item] of Object.entries(v)) {
        if (item !== from) visit(item);
        else {
          v[k] = to;
          found = true;
        }
      }
    }
  };
  visit(value);
  return found;
}
