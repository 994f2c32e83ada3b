// What the policies decided about a deploy, and how a person reads it.
export interface PolicyViolation {
  /** The rule's name, e.g. digest_pinned. */
  rule: string;
  /** The object it is about, kind/name: Deployment/hello-api. */
  object: string;
  message: string;
}

export interface PolicyDecision {
  allowed: boolean;
  /** Sorted by rule, then object, then message: the same violations always read the same. */
  violations: PolicyViolation[];
}

export function decisionOf(violations: PolicyViolation[]): PolicyDecision {
  const sorted = [...violations].sort((a, b) => a.rule.localeCompare(b.rule) || a.object.localeCompare(b.object) || a.message.localeCompare(b.message));
  return { allowed: sorted.length === 0, violations: sorted };
}

/** One line per violation, `rule object: message`; or the pass. */
export function decisionLines(decision: PolicyDecision): string[] {
  if (decision.allowed) return ["policy: passed"];
  return decision.violations.map((v) => `policy ${v.rule} refused ${v.object}: ${v.message}`);
}

/** The refusal, as a deploy's reason. */
export function refusalReason(environment: string, decision: PolicyDecision): string {
  return `the policies of ${environment} refused the deploy (${decision.violations.length} violation(s)); nothing was applied: ${decisionLines(decision).join("; ")}`;
}
