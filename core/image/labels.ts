import { ArgumentError } from "../errors.js";
import { rfc3339, validateCommit, validateSourceDateEpoch } from "./commit.js";
import { sortedByKey } from "./records.js";
import { isValidDigest } from "./reference.js";

/** Values for the OCI `org.opencontainers.image.*` keys; empty ones are left out of the image. */
export interface LabelInput {
  /** Where the source lives, e.g. https://github.com/acme/hello-api. */
  source?: string;
  /** Commit SHA the image was built from. */
  revision?: string;
  version?: string;
  /** Commit time in Unix seconds; becomes `created`. Without it `created` is left out. */
  sourceDateEpoch?: number;
  title?: string;
  description?: string;
  /** SPDX license expression, e.g. Apache-2.0. */
  licenses?: string;
  /** Where to find out about the image. */
  url?: string;
  /** Reference of the base image, e.g. gcr.io/distroless/static-debian12:nonroot. */
  baseName?: string;
  baseDigest?: string;
  /** The user's own labels; they win over Gantry's. */
  labels?: Record<string, string>;
}

const OCI = "org.opencontainers.image";

/**
 * Labels for the image config, sorted by key. Nothing here reads the clock: `created` is the commit
 * time, so two builds of one commit produce the same config and digest.
 */
export function imageLabels(input: LabelInput): Record<string, string> {
  const ours: Record<string, string | undefined> = {
    [`${OCI}.source`]: url(input.source, "source"),
    [`${OCI}.revision`]: input.revision ? validateCommit(input.revision, "revision") : undefined,
    [`${OCI}.version`]: text(input.version, "version"),
    [`${OCI}.created`]: input.sourceDateEpoch === undefined ? undefined : rfc3339(validateSourceDateEpoch(input.sourceDateEpoch)),
    [`${OCI}.title`]: text(input.title, "title"),
    [`${OCI}.description`]: text(input.description, "description"),
    [`${OCI}.licenses`]: text(input.licenses, "licenses"),
    [`${OCI}.url`]: url(input.url, "url"),
    [`${OCI}.base.name`]: text(input.baseName, "baseName"),
    [`${OCI}.base.digest`]: digest(input.baseDigest),
  };
  const merged = { ...ours, ...userLabels(input.labels ?? {}) };
  return sortedByKey(Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => e[1] !== undefined)));
}

function userLabels(labels: Record<string, string>): Record<string, string> {
  for (const [key, value] of Object.entries(labels)) {
    if (key === "" || /\s/.test(key)) {
      throw new ArgumentError("labels", `label key "${key}" must be non-empty and contain no whitespace, e.g. com.example.team`);
    }
    text(value, "labels");
  }
  return labels;
}

function text(value: string | undefined, argument: string): string | undefined {
  // Control characters (newlines above all) cannot be written into a Dockerfile LABEL line.
  if (value !== undefined && /[\u0000-\u001f\u007f]/.test(value)) {
    throw new ArgumentError(argument, `${JSON.stringify(value)} contains a control character such as a newline; labels are single-line text`);
  }
  return value === "" ? undefined : value;
}

function url(value: string | undefined, argument: string): string | undefined {
  const given = text(value, argument);
  if (given !== undefined && (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\/\S+$/.test(given) || !URL.canParse(given))) {
    throw new ArgumentError(argument, `"${given}" is not an absolute URL; expected e.g. https://github.com/acme/hello-api`);
  }
  return given;
}

function digest(value: string | undefined): string | undefined {
  if (value && !isValidDigest(value)) {
    throw new ArgumentError("baseDigest", `"${value}" is not a digest; expected sha256:<64 lowercase hex>`);
  }
  return value || undefined;
}
