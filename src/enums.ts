// Values the CLI offers as a closed list (dagger call ... --help shows them). Kept beside the
// objects that use them, because the runtime's introspector must see every type in a signature.

/** A vulnerability severity, as Trivy grades it. */
export enum Severity {
  UNKNOWN = "UNKNOWN",
  LOW = "LOW",
  MEDIUM = "MEDIUM",
  HIGH = "HIGH",
  CRITICAL = "CRITICAL",
}

/** The format of a software bill of materials. */
export enum SbomFormat {
  SPDX_JSON = "spdx-json",
  CYCLONEDX_JSON = "cyclonedx-json",
}

/** The runtime image the service's binary is put on. */
export enum BaseKind {
  /** gcr.io/distroless/static, nonroot: CA certificates and tzdata, no shell. */
  DISTROLESS = "distroless",
  /** Nothing but the binary and what Gantry adds (passwd, CA bundle, /tmp). */
  SCRATCH = "scratch",
  /** Alpine: a shell for debugging. */
  ALPINE = "alpine",
  /** Any image, named by baseImage. */
  CUSTOM = "custom",
}
