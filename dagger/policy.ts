// The policy port's adapter: `opa eval` in OPA's pinned image, as the image's user, over the
// environment's policy directories and the input document the core built.
import { dag, type Directory } from "@dagger.io/dagger";

import { GantryError } from "../core/errors.js";
import type { PolicyConfig } from "../core/kube/config/types.js";
import type { PolicyEvaluator } from "../core/policy/admission.js";
import { decisionOf } from "../core/policy/decision.js";
import { policyDirectories } from "../core/policy/directories.js";
import { INPUT_PATH, parseDenySet, planOpaEval } from "../core/policy/opa.js";
import { execTool, stepName, toolContainer, toolStep, withToolDirectory, withToolNewFile } from "./tool.js";

/** Evaluates the environment's policies: Gantry's defaults from the module's source, the rest from the repository. */
export function opaEvaluator(config: PolicyConfig, repository: Directory | undefined, image?: string): PolicyEvaluator {
  const directories = policyDirectories(config);
  const run = planOpaEval({ directories: directories.map((d) => d.mountPath), ...(image ? { image } : {}) });
  return {
    async evaluate(input) {
      let ctr = toolContainer(run);
      for (const d of directories) {
        const root = d.from === "module" ? dag.currentModule().source() : repository;
        if (!root) throw new GantryError(`policy directory ${d.directory}: no repository was given to read it from`);
        ctr = withToolDirectory(ctr, "opa", d.mountPath, root.directory(d.directory));
      }
      ctr = withToolNewFile(ctr, "opa", INPUT_PATH, JSON.stringify(input));
      const stdout = await toolStep(stepName(run), execTool(ctr, run).stdout());
      return decisionOf(parseDenySet(stdout));
    },
  };
}
