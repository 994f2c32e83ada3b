import { normaliseEnvironment } from "../../support/environment.js";
import type { Environment } from "../../../core/kube/config/types.js";
import { workload, type Workload } from "../../../core/kube/manifests/objects.js";

export const DIGEST_A = "sha256:" + "a".repeat(64);
export const DIGEST_B = "sha256:" + "b".repeat(64);
export const IMAGE_A = `ghcr.io/acme/hello-api@${DIGEST_A}`;
export const IMAGE_B = `ghcr.io/acme/hello-api@${DIGEST_B}`;

export const SOURCE = { file: "pipelines/hello.yaml" };

export function environment(raw: Record<string, unknown>, name = "staging"): Environment {
  return normaliseEnvironment(name, { namespace: "shop", ...raw }, SOURCE);
}

export function hello(raw: Record<string, unknown> = {}, image = IMAGE_A): Workload {
  return workload("hello-api", image, environment(raw));
}

export const PROMETHEUS = { prometheus: "http://127.0.0.1:9090", interval: "10s", count: 2 };
