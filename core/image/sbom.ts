import { ArgumentError } from "../errors.js";
import { cleanAbsolutePath } from "./paths.js";
import { imagePlatforms } from "./platforms.js";
import { toolImage, type ToolRun } from "./tool-run.js";

/** Pinned by tag; pass another (a mirror, or `…@sha256:…`) to override. */
export const SYFT_IMAGE = "anchore/syft:v1.49.0";

export const SBOM_FORMATS = ["spdx-json", "cyclonedx-json"] as const;
export type SbomFormat = (typeof SBOM_FORMATS)[number];
export const DEFAULT_SBOM_FORMAT: SbomFormat = "spdx-json";

const EXTENSIONS: Record<SbomFormat, string> = { "spdx-json": "spdx.json", "cyclonedx-json": "cdx.json" };

export interface SbomOptions {
  /** OCI image tarball inside the tool container, e.g. /work/image.tar. */
  tarball: string;
  format?: string;
  /** Where the SBOM is written; default /work/sbom.spdx.json (or .cdx.json). */
  output?: string;
  /** Platform to describe when the tarball holds several. */
  platform?: string;
  /** Recorded as the SBOM's subject instead of the tarball path, e.g. ghcr.io/acme/hello-api. */
  sourceName?: string;
  sourceVersion?: string;
  /** Replaces SYFT_IMAGE, e.g. with a mirror. */
  image?: string;
}

export interface SbomRun extends ToolRun {
  format: SbomFormat;
  output: string;
}

export function validateSbomFormat(format: string): SbomFormat {
  if (!(SBOM_FORMATS as readonly string[]).includes(format)) {
    throw new ArgumentError("sbomFormat", `"${format}" is not an SBOM format; expected one of ${SBOM_FORMATS.join(", ")}`);
  }
  return format as SbomFormat;
}

export function planSbom(options: SbomOptions): SbomRun {
  const format = validateSbomFormat(options.format ?? DEFAULT_SBOM_FORMAT);
  const tarball = cleanAbsolutePath(options.tarball, "tarball", "/work/image.tar");
  const output = cleanAbsolutePath(options.output ?? `/work/sbom.${EXTENSIONS[format]}`, "output", "/work/sbom.spdx.json");
  const platform = options.platform === undefined ? [] : ["--platform", ...imagePlatforms([options.platform], "platform")];
  return {
    tool: "syft",
    image: toolImage(options.image ?? SYFT_IMAGE, "syftImage"),
    args: [
      "scan",
      `oci-archive:${tarball}`,
      "--output",
      `${format}=${output}`,
      ...platform,
      ...(options.sourceName ? ["--source-name", options.sourceName] : []),
      ...(options.sourceVersion ? ["--source-version", options.sourceVersion] : []),
    ],
    // Scanning a tarball needs no network; without this syft would still look for a newer release.
    env: { SYFT_CHECK_FOR_APP_UPDATE: "false" },
    secretEnv: [],
    format,
    output,
  };
}
