import { ArgumentError } from "../errors.js";
import { parsePlatform, platformSuffix } from "../go/platform.js";

/** Platforms a Gantry image can target, in the order their manifests appear in the index. */
export const IMAGE_PLATFORMS = ["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/386", "linux/ppc64le", "linux/s390x", "linux/riscv64"] as const;

export type ImagePlatform = (typeof IMAGE_PLATFORMS)[number];

export function isImagePlatform(value: string): value is ImagePlatform {
  return (IMAGE_PLATFORMS as readonly string[]).includes(value);
}

/**
 * The build platforms an image is made of, in the order given: the Linux ones (a darwin or windows
 * binary is built, but no image runs it). The one place that rule is written.
 */
export function linuxPlatforms(buildPlatforms: readonly string[]): string[] {
  return buildPlatforms.filter((p) => p.startsWith("linux/"));
}

/**
 * Validates and deduplicates platforms, returned in IMAGE_PLATFORMS order so that the index (and its
 * digest) does not depend on the order the user listed them in.
 */
export function imagePlatforms(values: string[], argument = "platforms"): ImagePlatform[] {
  for (const value of values) {
    if (!isImagePlatform(value)) {
      const why = value.startsWith("linux/") ? "is not supported" : "is not a Linux platform (images run on Linux only)";
      throw new ArgumentError(argument, `"${value}" ${why}; expected one of ${IMAGE_PLATFORMS.join(", ")}`);
    }
  }
  return IMAGE_PLATFORMS.filter((p) => values.includes(p));
}

/** Gantry's build output name for a binary (see the Go build plan): `hello-api_linux_arm_v7`. */
export function binaryFileName(name: string, platform: ImagePlatform): string {
  return `${name}_${platformSuffix(parsePlatform(platform))}`;
}
