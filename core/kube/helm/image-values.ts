import { stringify } from "yaml";

import { GantryError } from "../../errors.js";
import { imageName, parseImageReference } from "../../image/reference.js";
import type { ChartImageValues } from "../config/chart.js";
import { pinnedImage } from "../manifests/image.js";
import type { KubeObject } from "../manifests/objects.js";

/**
 * The values that give the chart the pushed image, through the paths the environment names:
 * repository + digest (sha256:...), or repository + tag (`<version>@sha256:...`, for charts that
 * write `repository:tag`; the digest decides what runs). Passed as the last values file, so they
 * win over the user's own files.
 */
export function imageValues(image: string, paths: ChartImageValues, version?: string): Record<string, unknown> {
  const { ref } = pinnedImage(image);
  const values: Record<string, unknown> = {};
  setPath(values, paths.repository, imageName(ref));
  if ("digest" in paths) setPath(values, paths.digest, ref.digest!);
  else setPath(values, paths.tag, `${version && /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(version) ? version : "pinned"}@${ref.digest!}`);
  return values;
}

/** imageValues as the YAML file helm reads. */
export function imageValuesYaml(image: string, paths: ChartImageValues, version?: string): string {
  return stringify(imageValues(image, paths, version));
}

function setPath(values: Record<string, unknown>, path: string, value: string): void {
  const keys = path.split(".");
  let at = values;
  for (const key of keys.slice(0, -1)) {
    const next = at[key];
    if (next !== undefined && (typeof next !== "object" || next === null)) throw new GantryError(`chart.image: the values paths overlap at ${key} (${path})`);
    at = (at[key] ??= {}) as Record<string, unknown>;
  }
  at[keys.at(-1)!] = value;
}

/**
 * The workload's containers must run the pushed image afterwards: a chart that ignores the values
 * path (a typo, a chart that builds the image line from other keys) would deploy something else.
 * Every container with the image's repository must run it by its digest, and at least one does.
 */
export function requireImageSet(deployment: KubeObject, image: string, paths: ChartImageValues): void {
  const { ref, pinned } = pinnedImage(image);
  const images = containerImages(deployment);
  const ours = images.filter((i) => sameRepository(i, imageName(ref)));
  const what = "digest" in paths ? `${paths.repository} and ${paths.digest}` : `${paths.repository} and ${paths.tag}`;
  if (ours.length === 0 || ours.some((i) => digestOf(i) !== ref.digest)) {
    throw new GantryError(
      `chart: Deployment ${deployment.metadata.name} runs ${images.join(", ") || "no container"}, not ${pinned}: the chart does not read the values ${what}; name the paths its templates read under chart.image`,
    );
  }
}

export function containerImages(deployment: KubeObject): string[] {
  const spec = (deployment["spec"] as { template?: { spec?: { containers?: { image?: unknown }[]; initContainers?: { image?: unknown }[] } } } | undefined)
    ?.template?.spec;
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map((c) => c.image).filter((i): i is string => typeof i === "string");
}

function sameRepository(text: string, name: string): boolean {
  try {
    return imageName(parseImageReference(text)) === name;
  } catch {
    return false;
  }
}

function digestOf(text: string): string | undefined {
  return parseImageReference(text).digest;
}
