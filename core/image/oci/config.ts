import { parsePlatform } from "../../go/platform.js";
import { rfc3339 } from "../commit.js";
import type { ImagePlan } from "../plan.js";
import type { ImagePlatform } from "../platforms.js";
import { jsonBlob, type JsonBlob } from "./blob.js";
import type { BaseImage } from "./base.js";
import type { LayerDigests } from "./layer.js";
import { OCI_CONFIG } from "./media-types.js";

/** What BuildKit and Docker give an image whose base sets no PATH (scratch). */
export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

type Json = Record<string, unknown>;

/**
 * The image config of one platform: the base's config (every field kept) with Gantry's runtime
 * settings applied over it, its diff_ids and history extended by Gantry's layer, and every time the
 * commit time (the Unix epoch when it is unknown), never the clock.
 */
export function imageConfig(plan: ImagePlan, platform: ImagePlatform, layer: LayerDigests, base?: BaseImage): JsonBlob {
  const created = rfc3339(plan.sourceDateEpoch ?? 0);
  const { os, arch, variant } = parsePlatform(platform);
  const from: Json = base?.config ?? {};
  const baseRuntime = (from.config ?? {}) as Json;
  const runtime: Json = {
    ...baseRuntime,
    User: plan.user,
    Env: environment(stringList(baseRuntime.Env), plan.env),
    Entrypoint: plan.entrypoint,
    // Like Docker, a new entrypoint drops the base's Cmd: it was written for the base's entrypoint.
    Cmd: plan.defaultArgs.length > 0 ? plan.defaultArgs : undefined,
    WorkingDir: plan.workdir,
    ExposedPorts: { ...((baseRuntime.ExposedPorts ?? {}) as Json), [`${plan.exposedPort}/tcp`]: {} },
    Labels: { ...((baseRuntime.Labels ?? {}) as Json), ...plan.labels },
  };
  const history = Array.isArray(from.history) ? from.history : [];
  return jsonBlob(OCI_CONFIG, {
    ...from,
    architecture: arch,
    os,
    variant,
    created,
    config: runtime,
    rootfs: { type: "layers", diff_ids: [...(base?.diffIds ?? []), layer.diffId] },
    history: [...history, { created, created_by: `gantry: ${plan.binaryPath} and the files ${plan.base.alias} lacks`, comment: "gantry" }],
  });
}

/** The base's variables in their order, Gantry's replacing same-named ones in place or appended; PATH if none. */
function environment(base: string[], ours: Record<string, string>): string[] {
  const vars = new Map<string, string>();
  for (const entry of base) {
    const eq = entry.indexOf("=");
    vars.set(eq === -1 ? entry : entry.slice(0, eq), eq === -1 ? "" : entry.slice(eq + 1));
  }
  if (!vars.has("PATH")) vars.set("PATH", DEFAULT_PATH);
  for (const [key, value] of Object.entries(ours)) vars.set(key, value);
  return [...vars].map(([key, value]) => `${key}=${value}`);
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}
