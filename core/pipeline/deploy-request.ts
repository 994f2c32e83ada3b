// What a deploy to one environment needs from the pipeline file, decided before anything runs: the
// environment (its defaults from the image settings), the service's name, and how to reach the
// cluster. Each missing piece is an error naming the fix.
import { ArgumentError } from "../errors.js";
import { environmentFrom } from "../kube/config/schema.js";
import type { Environment } from "../kube/config/types.js";
import { closest } from "./did-you-mean.js";
import type { NotifySettings } from "./notify-settings.js";
import type { Pipeline } from "./schema.js";

/**
 * The environment a function works on: the one named (which must exist), else the pipeline file's
 * only one. `argument` is the flag that names it, for the error.
 */
export function environmentName(pipeline: Pipeline, given: string, argument = "environment"): string {
  if (given) {
    environmentEntry(pipeline, given, argument);
    return given;
  }
  const names = Object.keys(pipeline.environments);
  if (names.length === 1) return names[0]!;
  throw new ArgumentError(
    argument,
    names.length === 0
      ? "the pipeline file has no environments; describe one under environments: (namespace, strategy)"
      : `the pipeline file has ${names.length} environments (${names.join(", ")}); name one`,
  );
}

/** The environment as the pipeline file describes it (parsed, not yet normalised); an unknown name fails with a did-you-mean. */
export function environmentEntry(pipeline: Pipeline, name: string, argument = "environment"): Pipeline["environments"][string] {
  const names = Object.keys(pipeline.environments);
  const parsed = Object.hasOwn(pipeline.environments, name) ? pipeline.environments[name] : undefined;
  if (!parsed) {
    const guess = closest(name, names);
    throw new ArgumentError(
      argument,
      names.length === 0
        ? `"${name}": the pipeline file has no environments; describe one under environments: (namespace, strategy)`
        : `"${name}" is not an environment of the pipeline file${guess ? `; did you mean "${guess}"?` : ""} (it has: ${names.join(", ")})`,
    );
  }
  return parsed;
}

export function environmentOf(pipeline: Pipeline, name: string): Environment {
  return environmentFrom(name, environmentEntry(pipeline, name), { port: pipeline.image.port, runAsUser: pipeline.image.user });
}

/** The kubeconfig reference the deploy stage of an environment names, if any. */
export function kubeconfigReference(pipeline: Pipeline, environment: string): string | undefined {
  return pipeline.stages.find((s) => s.environment === environment)?.kubeconfig;
}

/** Rule: no cluster credentials, no deploy; say where they can come from. */
export function requireCredentials(environment: string, given: boolean, reference: string | undefined): void {
  if (!given && !reference) {
    throw new ArgumentError(
      "kubeconfig",
      `environment ${environment} has no cluster credentials: pass --kubeconfig file:$HOME/.kube/config (or env:KUBECONFIG_DATA) to \`environment\`, or give its deploy stage a kubeconfig reference in the pipeline file; to try the pipeline on a cluster of its own, run \`dagger call demo markdown\``,
    );
  }
}

/** Who hears of the rollouts of an environment, as its deploy stage says (undefined: nobody). */
export function notifySettings(pipeline: Pipeline, environment: string): NotifySettings | undefined {
  return pipeline.stages.find((s) => s.environment === environment)?.notify;
}
