// Checks of `environments.<name>` that need more than one field: settings that would defeat the
// analysis gate or break every rollout, and objects the API server would refuse at deploy time.
// Each problem names the field it is about, so the loader reports file:line:column and the path.
import { byteLength, compareQuantities, CONFIG_MAP_MAX_BYTES, ENV_MAX_BYTES } from "./api-limits.js";
import { isServiceName, SERVICE_NAME_RULE } from "../manifests/objects.js";

/** An analysis run's own count and failureLimit, where a step or blue-green overrides the defaults. */
type RunOverride = { count?: number | undefined; failureLimit?: number | undefined } | null | undefined;

/**
 * The parsed environment (schema.ts's output), as far as these rules read it: declared here so
 * that this file does not import the schema that runs it.
 */
interface Parsed {
  replicas: number;
  resources: { requests: { cpu: string; memory: string }; limits: { cpu?: string | undefined; memory: string } };
  env: Record<string, string>;
  config: Record<string, string>;
  secrets: (string | { name: string; key?: string | undefined; env?: string | undefined })[];
  hpa?: { minReplicas?: number | undefined } | undefined;
  pdb?: { minAvailable?: number | string | undefined } | undefined;
  analysis?: { count: number; failureLimit: number } | undefined;
  strategy:
    | { type: "rolling" }
    | { type: "canary"; steps?: { analysis?: RunOverride }[] | undefined }
    | { type: "blueGreen"; prePromotionAnalysis?: RunOverride | boolean };
}
type Path = (string | number)[];
/** `ctx.addIssue` of a zod refinement, reduced to what these rules use. */
export type Report = (path: Path, message: string) => void;

/** Every rule below, in the order a reader meets the fields. */
export function environmentRules(e: Parsed, report: Report): void {
  resourceRules(e, report);
  variableRules(e, report);
  configRules(e, report);
  pdbRules(e, report);
  analysisRunRules(e, report);
}

/** core/validation: a request above its limit is refused ("must be less than or equal to ... limit"). */
function resourceRules(e: Parsed, report: Report): void {
  for (const resource of ["cpu", "memory"] as const) {
    const request = e.resources.requests[resource];
    const limit = e.resources.limits[resource];
    if (limit !== undefined && compareQuantities(request, limit) === 1) {
      report(
        ["resources", "requests", resource],
        `${request} is above the ${resource} limit ${limit}${resource === "memory" && limit === "128Mi" ? " (the default limit; raise resources.limits.memory too)" : ""}: the API server refuses a request above its limit`,
      );
    }
  }
}

/**
 * One container's variables: a name given twice (env and a secret's env, or two secrets) is a
 * duplicate key of the env list, which server-side apply refuses; and the env must stay small
 * enough for etcd to store the Deployment.
 */
function variableRules(e: Parsed, report: Report): void {
  const seen = new Map<string, string>(Object.keys(e.env).map((name) => [name, `env.${name}`]));
  e.secrets.forEach((s, i) => {
    if (typeof s !== "object" || s.env === undefined) return;
    const first = seen.get(s.env);
    if (first)
      report(["secrets", i, "env"], `${s.env} is already set by ${first}; a variable comes from one place (server-side apply refuses a duplicate env name)`);
    else seen.set(s.env, `secrets[${i}]`);
  });
  const size = Object.entries(e.env).reduce((sum, [name, value]) => sum + byteLength(name) + byteLength(value), 0);
  if (size > ENV_MAX_BYTES) {
    const largest = Object.entries(e.env).reduce((a, b) => (byteLength(a[1]) >= byteLength(b[1]) ? a : b));
    report(
      ["env", largest[0]],
      `the variables add up to ${size} bytes, over ${ENV_MAX_BYTES} (1 MiB): the Deployment would exceed what etcd stores; put large data in a file or a ConfigMap volume`,
    );
  }
}

/** core/validation ValidateConfigMap: the values together at most 1 MiB (the keys are not counted). */
function configRules(e: Parsed, report: Report): void {
  const size = Object.values(e.config).reduce((sum, value) => sum + byteLength(value), 0);
  if (size > CONFIG_MAP_MAX_BYTES) report(["config"], `the ConfigMap's data is ${size} bytes, over the API server's limit of ${CONFIG_MAP_MAX_BYTES} (1 MiB)`);
}

/** A budget that keeps more pods than exist forbids every eviction: no node could ever be drained. */
function pdbRules(e: Parsed, report: Report): void {
  const min = e.pdb?.minAvailable;
  if (typeof min !== "number") return;
  const pods = e.hpa?.minReplicas ?? e.replicas;
  if (min > pods)
    report(
      ["pdb", "minAvailable"],
      `${min} is more than the ${pods} pod(s) the service runs${e.hpa ? " at its HPA's minReplicas" : ""}: every eviction would be refused and no node could be drained`,
    );
}

/**
 * An analysis that tolerates as many failures as it takes measurements passes a canary that
 * fails every one of them: failureLimit must stay below count, wherever each comes from.
 */
function analysisRunRules(e: Parsed, report: Report): void {
  const a = e.analysis;
  if (!a) return;
  const check = (count: number, failureLimit: number, path: Path) => {
    if (failureLimit >= count)
      report(
        path,
        `failureLimit ${failureLimit} tolerates every one of the ${count} measurement(s), so a canary failing all of them would pass; it must be below count (at most ${count - 1})`,
      );
  };
  check(a.count, a.failureLimit, ["analysis", "failureLimit"]);
  const run = (r: RunOverride, path: Path) => {
    if (!r || (r.count === undefined && r.failureLimit === undefined)) return; // the defaults, checked above
    check(r.count ?? a.count, r.failureLimit ?? a.failureLimit, [...path, r.failureLimit !== undefined ? "failureLimit" : "count"]);
  };
  const s = e.strategy;
  if (s.type === "canary") (s.steps ?? []).forEach((step, i) => step.analysis !== undefined && run(step.analysis, ["strategy", "steps", i, "analysis"]));
  if (s.type === "blueGreen" && typeof s.prePromotionAnalysis === "object") run(s.prePromotionAnalysis, ["strategy", "prePromotionAnalysis"]);
}

/**
 * The pipeline's name: is the service's name, so with environments it must be usable as one
 * (before a render names it, long after the file loaded).
 */
export function serviceNameRule(pipeline: { name?: string | undefined; environments: Record<string, unknown> }, report: Report): void {
  if (pipeline.name === undefined || Object.keys(pipeline.environments).length === 0 || isServiceName(pipeline.name)) return;
  report(
    ["name"],
    `"${pipeline.name}" names the Kubernetes objects of the environments (${Object.keys(pipeline.environments).join(", ")}); it must be ${SERVICE_NAME_RULE}`,
  );
}
