// The environment's policies as the rollout's admission: the core builds the input document and
// asks the evaluator port (the adapter runs `opa eval`; the host tests run the same argv) for the
// deny set. Engine-free: nothing here runs a tool.
import type { Admission } from "../kube/ports.js";
import { refusalReason, type PolicyDecision } from "./decision.js";
import { policyInput, type PolicyInput, type PolicyInputParts } from "./input.js";

/** Evaluates the environment's policies over an input document. */
export interface PolicyEvaluator {
  evaluate(input: PolicyInput): Promise<PolicyDecision>;
}

/** The admission of a deploy: the rendered objects, with everything else known of the image, judged by the policies. */
export function policyAdmission(evaluator: PolicyEvaluator, parts: Omit<PolicyInputParts, "manifests">): Admission {
  return {
    async admit(objects) {
      const decision = await evaluator.evaluate(policyInput({ ...parts, manifests: objects }));
      return decision.allowed ? { allowed: true } : { allowed: false, reason: refusalReason(parts.environment, decision) };
    },
  };
}
