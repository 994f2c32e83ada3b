import { ArgumentError } from "../errors.js";
import { formatImageReference, parseImageReference } from "./reference.js";

/**
 * Default runtime images, pinned by tag. Air-gapped and corporate users point these at a mirror with
 * the BaseImageOverrides below; pinning by digest is theirs to choose (`…@sha256:…`).
 */
export const DISTROLESS_IMAGE = "gcr.io/distroless/static-debian12:nonroot";
export const ALPINE_IMAGE = "alpine:3.22";

/** The `nonroot` user of distroless images, used on every base so the uid never depends on the base. */
export const NONROOT_UID = 65532;

export const BASE_ALIASES = ["distroless", "scratch", "alpine"] as const;
export const DEFAULT_BASE = "distroless";

export const BASE_KINDS = ["distroless", "scratch", "alpine", "custom"] as const;
export type BaseKind = (typeof BASE_KINDS)[number];

export interface RuntimeBase {
  /** What the user asked for: an alias, or the custom reference as given. */
  alias: string;
  /** Fully qualified reference to start from; `scratch` for the empty image. */
  ref: string;
  kind: BaseKind;
  /** Uid the image runs as unless the user picks another. */
  user: number;
  /** The base has no CA bundle, so HTTPS clients would fail without one copied in. */
  needsCaCerts: boolean;
  /** The base has no /etc/passwd entry for the user, so one is written. */
  needsPasswd: boolean;
  /** The base ships /usr/share/zoneinfo. */
  hasTzdata: boolean;
  /** The base has /bin/sh (useful for debugging; Gantry never needs it). */
  shell: boolean;
}

/** Mirrors for the built-in bases; each keeps its alias's properties (certs, passwd, shell). */
export interface BaseImageOverrides {
  distrolessImage?: string;
  alpineImage?: string;
}

type Traits = Pick<RuntimeBase, "needsCaCerts" | "needsPasswd" | "hasTzdata" | "shell">;

// static-debian12:nonroot has CA certs, tzdata, /tmp and a passwd entry for 65532, and no shell.
const DISTROLESS: Traits = { needsCaCerts: false, needsPasswd: false, hasTzdata: true, shell: false };
const SCRATCH: Traits = { needsCaCerts: true, needsPasswd: true, hasTzdata: false, shell: false };
// Alpine's base layer has ca-certificates-bundle; tzdata is a separate package. The uid runs without a
// passwd entry, which only matters to programs that look their own user up.
const ALPINE: Traits = { needsCaCerts: false, needsPasswd: false, hasTzdata: false, shell: true };
// Gantry cannot know what a custom base holds, so it assumes nothing and adds nothing.
const CUSTOM: Traits = { needsCaCerts: false, needsPasswd: false, hasTzdata: false, shell: false };

/** Resolves `base`: one of BASE_ALIASES, or any image reference as a custom base. */
export function resolveBase(base: string = DEFAULT_BASE, overrides: BaseImageOverrides = {}): RuntimeBase {
  const common = { alias: base, user: NONROOT_UID };
  switch (base) {
    case "distroless":
      return { ...common, kind: "distroless", ref: qualified(overrides.distrolessImage ?? DISTROLESS_IMAGE, "distrolessImage"), ...DISTROLESS };
    case "scratch":
      return { ...common, kind: "scratch", ref: "scratch", ...SCRATCH };
    case "alpine":
      return { ...common, kind: "alpine", ref: qualified(overrides.alpineImage ?? ALPINE_IMAGE, "alpineImage"), ...ALPINE };
  }
  try {
    return { ...common, kind: "custom", ref: qualified(base, "base"), ...CUSTOM };
  } catch {
    throw new ArgumentError(
      "base",
      `unknown base "${base}"; expected one of ${BASE_ALIASES.join(", ")} or an image reference such as registry.example.com/base/static:1.0`,
    );
  }
}

function qualified(ref: string, argument: string): string {
  return formatImageReference(parseImageReference(ref, argument));
}
