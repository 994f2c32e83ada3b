import type { BuildPlan } from "../go/build-plan.js";
import type { Release } from "../release.js";
import { renderDockerfile } from "./dockerfile.js";
import { planServiceImage, type ImageSettings } from "./image-request.js";

/** The Dockerfile for the same build and image plans the Dagger functions run. */
export function renderServiceDockerfile(
  settings: ImageSettings,
  release: Release,
  build: BuildPlan,
  buildTags: string[],
  goImage: string,
  platforms: string[],
): string {
  const plan = planServiceImage(
    { ...settings, name: build.name },
    release,
    build.steps.map((s) => s.platform),
    platforms,
  );
  return renderDockerfile(plan, { goImage, mainPackage: build.pkg, ldflags: build.ldflags, tags: buildTags, binaryName: build.name });
}
