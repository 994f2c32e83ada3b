/**
 * The rules that keep users safe while traffic moves, as Argo Rollouts names them. Every decision
 * about a canary's weight goes through these; tests name the rule they protect.
 */

/** Never send traffic to a canary that has no ready pod: its requests would fail. */
export function neverWeightCanaryWithoutReadyPods(weight: number, canaryReadyPods: number): number {
  return canaryReadyPods > 0 ? weight : 0;
}

/**
 * Keep the previous weight until the canary has all the pods the next weight needs: raising the
 * weight first would overload the pods that are ready.
 */
export function keepPreviousWeightUntilCanaryHasReplicas(
  previousWeight: number,
  nextWeight: number,
  canaryReadyPods: number,
  canaryWantedPods: number,
): number {
  return canaryReadyPods >= canaryWantedPods ? nextWeight : previousWeight;
}

/**
 * Before the canary is pointed at another revision, its weight must go back to 0 and a match rule
 * must go: otherwise users would get the new revision's first, unready or unanalysed pods at the
 * old revision's weight, or as the chosen requests. True when a reset is due.
 */
export function resetWeightBeforeNewRevision(
  canaryRevision: string | undefined,
  targetRevision: string,
  currentWeight: number,
  matchedRequests = false,
): boolean {
  return canaryRevision !== undefined && canaryRevision !== targetRevision && (currentWeight > 0 || matchedRequests);
}

/**
 * A crash-looping new revision is a failed one, whatever its readiness says at this instant.
 */
export function crashLoopAborts(restarts: number, maxRestarts: number): boolean {
  return restarts > maxRestarts;
}

/**
 * A new revision whose image the kubelet cannot pull is a failed one: waiting for the readiness
 * deadline would only delay the rollback by minutes.
 */
export function imagePullFailureAborts(pullFailure: string | undefined): boolean {
  return pullFailure !== undefined;
}

/** Why the pods of a new revision show it cannot work (a crash loop, an image that cannot be pulled), or undefined. */
export function failingRevision(restarts: number, maxRestarts: number, pullFailure: string | undefined): { why: string; short: string } | undefined {
  if (crashLoopAborts(restarts, maxRestarts)) return { why: `restarted ${restarts} times (crash loop; limit ${maxRestarts})`, short: "crash loop" };
  if (imagePullFailureAborts(pullFailure)) return { why: `cannot pull their image (${pullFailure})`, short: "image pull failure" };
  return undefined;
}

/** A new revision that is not ready by its deadline is aborted, not waited for forever. */
export function readinessDeadlinePassed(now: number, stepStartedAt: number, deadlineMs: number, controllerGaveUp: boolean): boolean {
  return controllerGaveUp || now - stepStartedAt > deadlineMs;
}
