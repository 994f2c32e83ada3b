import { ArgumentError } from "../../errors.js";
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

const SERVICE_NAME = /^[a-z]([-a-z0-9]{0,40}[a-z0-9])?$/;

/** Checks the service name (short enough for its suffixed objects) and pins the image. */
export function workload(service: string, image: string, env: Environment, version?: string): Workload {
  if (!SERVICE_NAME.test(service)) {
    throw new ArgumentError("service", `"${service}" is not a usable service name: lowercase letters, digits and '-', starting with a letter, at most 42 characters (Gantry adds suffixes such as -canary and -config-<hash>)`);
  }
  if (version !== undefined && !/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(version)) {
    throw new ArgumentError("version", `"${version}" is not a valid label value`);
  }
  return { service, image: pinnedImage(image).pinned, ...(version ? { version } : {}), env };
}

export function meta(w: Workload, name: string, labels: Record<string, string>, annotations?: Record<string, string>): KubeObject["metadata"] {
  return { name, namespace: w.env.namespace, labels, ...(annotations && Object.keys(annotations).length > 0 ? { annotations } : {}) };
}
