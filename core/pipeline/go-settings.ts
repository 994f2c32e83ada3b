import type { GoSettings } from "../go/env.js";
import { defaultGoImage, resolveGoVersion, type GoMod } from "../go/gomod.js";
import type { GoConfig } from "./schema.js";

/** What every go command's container needs: the image, the caches, private-module access. */
export interface GoToolchain {
  image: string;
  /** Cache volume names; absent with noCache. */
  caches?: { module: string; build: string };
  /** A secret reference to a .netrc. */
  netrc?: string;
  env: GoSettings;
}

export function goToolchain(go: GoConfig, mod: GoMod): GoToolchain {
  return {
    image: go.image || defaultGoImage(resolveGoVersion(mod, go.version ?? "")),
    caches: go.noCache ? undefined : { module: go.moduleCache, build: go.buildCache },
    netrc: go.netrc,
    env: { cgo: go.cgo, goprivate: go.goprivate },
  };
}
