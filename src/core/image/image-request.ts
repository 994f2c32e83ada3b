import { parseKeyValues } from "../key-values.js";
import type { Release } from "../release.js";
import { planImage, type ImagePlan } from "./plan.js";

/** The service-shape settings of the Gantry constructor that decide an image. */
export interface ImageSettings {
  name: string;
  base: string;
  port: number;
  user: number;
  sourceUrl: string;
  labels: string[];
}

/** Maps Gantry's settings, the release and what the Go build produced onto the image plan. */
export function planServiceImage(settings: ImageSettings, release: Release, builtPlatforms: string[], platforms: string[]): ImagePlan {
  return planImage({
    name: settings.name,
    base: settings.base,
    builtPlatforms,
    platforms,
    port: settings.port,
    user: settings.user,
    sourceDateEpoch: release.sourceDateEpoch,
    labels: {
      source: settings.sourceUrl || undefined,
      revision: release.commit,
      version: release.version,
      labels: parseKeyValues(settings.labels, "labels"),
    },
  });
}
