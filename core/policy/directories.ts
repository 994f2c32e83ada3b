// Which Rego directories an environment's policy set is made of, and where each is mounted for OPA.
import type { PolicyConfig } from "../kube/config/types.js";
import { DEFAULT_POLICIES_PATH, repositoryPolicyPath } from "./opa.js";

/** Gantry's default policy set, a directory of the module's own source (and of this repository). */
export const DEFAULT_POLICIES_DIRECTORY = "policies/gantry";

/** One policy directory: from Gantry's module or from the user's repository, and its path inside OPA's container. */
export interface PolicyDirectory {
  from: "module" | "repository";
  /** Relative to the module's or the repository's root. */
  directory: string;
  mountPath: string;
}

export function policyDirectories(config: PolicyConfig): PolicyDirectory[] {
  return [
    ...(config.defaults ? [{ from: "module" as const, directory: DEFAULT_POLICIES_DIRECTORY, mountPath: DEFAULT_POLICIES_PATH }] : []),
    ...config.directories.map((directory) => ({ from: "repository" as const, directory, mountPath: repositoryPolicyPath(directory) })),
  ];
}
