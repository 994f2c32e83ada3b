import { GantryError } from "../../errors.js";
import { isRecord } from "../json.js";
import { REVISION_ANNOTATION } from "../manifests/names.js";
import { readState, type RolloutState } from "./state.js";

/** `kind/name` of a routed object in Observed.routing (the raw object from `kubectl get`). */
export function routingKey(kind: string, name: string): string {
  return `${kind}/${name}`;
}

/** A Deployment as the decisions need it, from `kubectl get -o json`. */
export interface ObservedDeployment {
  name: string;
  /** The pod template's gantry.dev/revision: what it runs (restored by `rollout undo`). */
  revision?: string;
  /** The first container's image. */
  image?: string;
  specReplicas: number;
  /** status: pods of every ReplicaSet, those of the current template, those ready. */
  replicas: number;
  updatedReplicas: number;
  readyReplicas: number;
  /** The controller has seen the latest spec (otherwise status describes an older one). */
  current: boolean;
  /** The Deployment controller gave up (condition Progressing=False, ProgressDeadlineExceeded). */
  deadlineExceeded: boolean;
}

/** Everything a decision reads: the cluster's objects of one service, and the clock. */
export interface Observed {
  now: number;
  deployments: Record<string, ObservedDeployment>;
  services: Record<string, { selector: Record<string, string>; annotations: Record<string, string> }>;
  /** Every other object read (the traffic routers' Ingresses, HTTPRoutes...), by `Kind/name`: routers read their weight here. */
  routing: Record<string, { annotations: Record<string, string>; spec: Record<string, unknown> }>;
  /** Highest container restart count among the pods of each revision (their gantry.dev/revision). */
  restarts: Record<string, number>;
  /** A container of the revision's pods the kubelet gave up pulling for (reason: message), by revision. */
  pullFailures: Record<string, string>;
  /** Decoded from the main Service's annotations. */
  state?: RolloutState;
}

/**
 * Waiting reasons that mean the kubelet cannot get the image: it already retried (ImagePullBackOff)
 * or never will (a name it cannot parse, a policy forbidding the pull). A first ErrImagePull is
 * left alone: a registry's hiccup recovers on the retry.
 */
const PULL_GIVEN_UP = ["ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull"];

/**
 * Reads the List `kubectl get <kinds> -l app.kubernetes.io/name=<service> -o json` prints. The state
 * comes from the Service named `anchor`.
 */
export function parseObserved(json: string, anchor: string, now: number): Observed {
  let list: unknown;
  try {
    list = JSON.parse(json);
  } catch {
    throw new GantryError(`kubectl get printed something that is not JSON: ${json.slice(0, 200)}`);
  }
  const items = isRecord(list) && Array.isArray(list["items"]) ? (list["items"] as unknown[]) : [];
  const observed: Observed = { now, deployments: {}, services: {}, routing: {}, restarts: {}, pullFailures: {} };
  for (const item of items) {
    if (!isRecord(item)) continue;
    const kind = item["kind"];
    const metadata = record(item["metadata"]);
    const name = String(metadata["name"] ?? "");
    const spec = record(item["spec"]);
    const status = record(item["status"]);
    const annotations = strings(metadata["annotations"]);
    if (kind === "Deployment") {
      const template = record(spec["template"]);
      const conditions = Array.isArray(status["conditions"]) ? (status["conditions"] as unknown[]).map(record) : [];
      const revision = strings(record(template["metadata"])["annotations"])[REVISION_ANNOTATION];
      const containers = record(template["spec"])["containers"];
      const image = Array.isArray(containers) ? record(containers[0])["image"] : undefined;
      observed.deployments[name] = {
        name,
        ...(revision ? { revision } : {}),
        ...(typeof image === "string" ? { image } : {}),
        specReplicas: num(spec["replicas"], 1),
        replicas: num(status["replicas"], 0),
        updatedReplicas: num(status["updatedReplicas"], 0),
        readyReplicas: num(status["readyReplicas"], 0),
        current: num(status["observedGeneration"], 0) >= num(metadata["generation"], 0),
        deadlineExceeded: conditions.some((c) => c["type"] === "Progressing" && c["status"] === "False" && c["reason"] === "ProgressDeadlineExceeded"),
      };
    } else if (kind === "Service") {
      observed.services[name] = { selector: strings(spec["selector"]), annotations };
      if (name === anchor) {
        const state = readState(annotations, `service/${name}`);
        if (state) observed.state = state;
      }
    } else if (kind === "Pod") {
      // By revision, not track: pods of an aborted canary may still be terminating when the next starts.
      const revision = annotations[REVISION_ANNOTATION];
      if (!revision) continue;
      const statuses = Array.isArray(status["containerStatuses"]) ? (status["containerStatuses"] as unknown[]).map(record) : [];
      const most = Math.max(0, ...statuses.map((s) => num(s["restartCount"], 0)));
      observed.restarts[revision] = Math.max(observed.restarts[revision] ?? 0, most);
      const waiting = statuses.map((s) => record(record(s["state"])["waiting"])).find((w) => PULL_GIVEN_UP.includes(String(w["reason"])));
      if (waiting && !observed.pullFailures[revision])
        observed.pullFailures[revision] = `${String(waiting["reason"])}: ${String(waiting["message"] ?? "no message")}`;
    } else if (typeof kind === "string") {
      observed.routing[routingKey(kind, name)] = { annotations, spec };
    }
  }
  return observed;
}

/** Pods of `d` that run `revision` and are ready (0 when the controller has not caught up yet). */
export function readyAt(d: ObservedDeployment | undefined, revision: string): number {
  if (!d || d.revision !== revision || !d.current) return 0;
  return Math.min(d.readyReplicas, d.updatedReplicas);
}

/** `d` runs `revision` on exactly `replicas` ready pods, with no pod of an older template left. */
export function rolledOut(d: ObservedDeployment | undefined, revision: string, replicas: number): boolean {
  return (
    !!d &&
    d.revision === revision &&
    d.current &&
    d.specReplicas === replicas &&
    d.updatedReplicas >= replicas &&
    d.readyReplicas >= replicas &&
    d.replicas === d.updatedReplicas
  );
}

function record(v: unknown): Record<string, unknown> {
  return isRecord(v) ? v : {};
}
function strings(v: unknown): Record<string, string> {
  return isRecord(v) ? Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === "string")) : {};
}
function num(v: unknown, fallback: number): number {
  return typeof v === "number" && Number.isFinite(v) ? v : fallback;
}
