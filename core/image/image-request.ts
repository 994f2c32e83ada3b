import type { ImageConfig } from "../pipeline/schema.js";
import type { Release } from "../release.js";
import { planImage, type ImagePlan } from "./plan.js";

/** The pipeline's image settings, plus the name the build gave the binary. */
export interface ImageSettings extends ImageConfig {
  name: string;
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
