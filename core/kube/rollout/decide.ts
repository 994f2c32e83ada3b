import type { Action } from "./actions.js";
import { decideBlueGreen } from "./blue-green.js";
import { decideCanary } from "./canary.js";
import type { Observed } from "./observed.js";
import type { RolloutPlan } from "./plan.js";
import { decideRolling } from "./rolling.js";

/** The single next action for the plan's strategy, from the observed cluster. Pure. */
export function decide(plan: RolloutPlan, obs: Observed): Action {
  switch (plan.workload.env.strategy.kind) {
    case "rolling":
      return decideRolling(plan, obs);
    case "canary":
      return decideCanary(plan, obs);
    case "blueGreen":
      return decideBlueGreen(plan, obs);
  }
}
