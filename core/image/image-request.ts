import type { Release } from "../release.js";
import type { BaseKind } from "./bases.js";
import { planImage, type ImagePlan } from "./plan.js";

/**
 * The image settings a service image is planned from, as plain data: the pipeline file's `image:`
 * section (core/pipeline/schema.ts, defaults filled) fits it as it is, plus the name the build gave
 * the binary. Declared here so the image domain does not depend on the pipeline file's schema.
 */
export interface ImageSettings {
  name: string;
  base: BaseKind;
  baseImage?: string;
  port: number;
  user: number;
  labels: Record<string, string>;
  env: Record<string, string>;
  args: string[];
  entrypoint?: string;
  workdir?: string;
  tzdata: boolean;
  sourceUrl: string;
}

/** Maps the pipeline's image settings, the release and what the Go build produced onto the image plan. */
export function planServiceImage(settings: ImageSettings, release: Release, builtPlatforms: string[], platforms: string[]): ImagePlan {
  const custom = settings.base === "custom";
  return planImage({
    name: settings.name,
    base: custom ? settings.baseImage : settings.base,
    baseImages: custom ? undefined : { distrolessImage: settings.baseImage, alpineImage: settings.baseImage },
    builtPlatforms,
    platforms,
    port: settings.port,
    user: settings.user,
    entrypoint: settings.entrypoint,
    workdir: settings.workdir,
    args: settings.args,
    env: settings.env,
    tzdata: settings.tzdata,
    sourceDateEpoch: release.sourceDateEpoch,
    labels: {
      source: settings.sourceUrl || undefined,
      revision: release.commit,
      version: release.version,
      labels: settings.labels,
    },
  });
}
