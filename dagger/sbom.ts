import type { Container, File } from "@dagger.io/dagger";

import { planSbom } from "../core/image/sbom.js";
import { execTool, toolContainer, withToolFile } from "./tool.js";

/** An SBOM of one image, made by syft in its own container from the image's OCI tarball. */
export function imageSbom(image: Container, format: string, sourceName?: string): File {
  const run = planSbom({ tarball: "/work/image.tar", format, sourceName });
  return execTool(withToolFile(toolContainer(run), "syft", "/work/image.tar", image.asTarball()), run).file(run.output);
}
