/** Where a pod runs in a rollout: the stable/canary pair, or one of the two blue-green colours. */
export type Track = "stable" | "canary" | "blue" | "green";

export const TRACK_LABEL = "gantry.dev/track";
export const NAME_LABEL = "app.kubernetes.io/name";
/** Pod-template annotation identifying what a Deployment runs (image digest + config + pod spec). */
export const REVISION_ANNOTATION = "gantry.dev/revision";

/** The name of every object Gantry creates for one service; one place so nothing guesses a name. */
export function objectNames(service: string) {
  return {
    /** The stable Deployment (canary, rolling), and the Service clients use in every strategy. */
    stable: service,
    canary: `${service}-canary`,
    blue: `${service}-blue`,
    green: `${service}-green`,
    /** Blue-green's Service for the colour not yet switched to. */
    preview: `${service}-preview`,
    configPrefix: `${service}-config-`,
  };
}

/** The Deployment a track runs in. */
export function deploymentName(service: string, track: Track): string {
  const names = objectNames(service);
  return names[track];
}

/** Labels every object carries (the app.kubernetes.io recommended set). */
export function commonLabels(service: string, version?: string): Record<string, string> {
  return {
    [NAME_LABEL]: service,
    "app.kubernetes.io/managed-by": "gantry",
    ...(version ? { "app.kubernetes.io/version": version } : {}),
  };
}

/** A Deployment's selector: the service and the track, so two tracks never share pods. */
export function trackSelector(service: string, track: Track): Record<string, string> {
  return { [NAME_LABEL]: service, [TRACK_LABEL]: track };
}
