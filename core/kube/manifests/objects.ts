import { ArgumentError, GantryError } from "../../errors.js";
import type { Environment } from "../config/types.js";
import { pinnedImage } from "./image.js";

/** The part of a Kubernetes object every renderer and reader relies on. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** What is deployed where: the inputs of every renderer. */
export interface Workload {
  /** The service's name: Deployment, Service and label value. A DNS label. */
  service: string;
  /** Image pinned by digest (`registry/repository@sha256:...`). */
  image: string;
  /** Shown as app.kubernetes.io/version when known (e.g. 1.4.2). */
  version?: string;
  env: Environment;
}

/**
 * A Service name is a DNS-1035 label (at most 63, starting with a letter); Gantry's longest suffix
 * (-config-<10-character hash>, on a DNS subdomain) and -preview/-canary leave 42 characters.
 */
const SERVICE_NAME = /^[a-z]([-a-z0-9]{0,40}[a-z0-9])?$/;
export const SERVICE_NAME_RULE =
  "lowercase letters, digits and '-', starting with a letter and ending with a letter or digit, at most 42 characters (Gantry adds suffixes such as -canary and -config-<hash>, and a Service name is at most 63)";

export function isServiceName(name: string): boolean {
  return SERVICE_NAME.test(name);
}

/** Checks the service name (short enough for its suffixed objects) and pins the image. */
export function workload(service: string, image: string, env: Environment, version?: string): Workload {
  if (!isServiceName(service)) {
    // The name comes from the pipeline file's name: (checked when it loads) or, without one, from the main package's directory.
    throw new GantryError(
      `the service name "${service}" (the pipeline file's name:, or the main package's directory when name: is not set) is not usable: ${SERVICE_NAME_RULE}; set name: in the pipeline file`,
    );
  }
  if (version !== undefined && !/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(version)) {
    throw new ArgumentError("version", `"${version}" is not a valid label value`);
  }
  return { service, image: pinnedImage(image).pinned, ...(version ? { version } : {}), env };
}

// Reading a rollout's state needs the object names only, which come from the service and the
// environment; a plan made to read is never applied, so a placeholder digest stands for its image.
const READ_ONLY_IMAGE = `gantry.invalid/read-only@sha256:${"0".repeat(64)}`;

/** The workload whose objects a status read looks up: the service's names, no image to roll out. */
export function readOnlyWorkload(service: string, env: Environment, version?: string): Workload {
  return workload(service, READ_ONLY_IMAGE, env, version);
}

export function meta(w: Workload, name: string, labels: Record<string, string>, annotations?: Record<string, string>): KubeObject["metadata"] {
  return { name, namespace: w.env.namespace, labels, ...(annotations && Object.keys(annotations).length > 0 ? { annotations } : {}) };
}
