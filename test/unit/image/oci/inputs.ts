import { planImage, type ImagePlanOptions } from "../../../../core/image/plan.js";
import type { PlatformParts } from "../../../../core/image/oci/image-layout.js";
import type { LayerDigests } from "../../../../core/image/oci/layer.js";

/** Fixed inputs for the OCI image tests: one scratch service built for two platforms. */
export const OPTIONS: ImagePlanOptions = {
  name: "hello-api",
  base: "scratch",
  builtPlatforms: ["linux/amd64", "linux/arm64"],
  sourceDateEpoch: 1_700_000_000,
  env: { LOG_FORMAT: "json", GOMAXPROCS: "2" },
  labels: {
    source: "https://github.com/acme/hello-api",
    revision: "0123456789abcdef0123456789abcdef01234567",
    version: "1.2.3",
    labels: { "com.example.team": "payments", "1": "integer-like key" },
  },
};

export const LAYERS: Record<string, LayerDigests> = {
  "linux/amd64": { digest: `sha256:${"a".repeat(64)}`, size: 1234, diffId: `sha256:${"b".repeat(64)}` },
  "linux/arm64": { digest: `sha256:${"c".repeat(64)}`, size: 2345, diffId: `sha256:${"d".repeat(64)}` },
};

export function scratchPlan(overrides: Partial<ImagePlanOptions> = {}) {
  return planImage({ ...OPTIONS, ...overrides });
}

export function scratchParts(layers = LAYERS): PlatformParts[] {
  return (["linux/amd64", "linux/arm64"] as const).map((platform) => ({ platform, layer: layers[platform]! }));
}
