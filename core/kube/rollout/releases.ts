// The release history `rollback --to` reads. The rollout state (state.ts) keeps only the revision
// running and the one before it, and a Deployment's ReplicaSets keep pod templates only (not the
// Service, HPA, Ingress, nor an old ConfigMap once someone deletes it). So each release that
// completes is recorded whole: one ConfigMap per revision, `<service>-release-<revision>`, holding
// every object the release left (the YAML `kubectl apply` reads), its image and when it was recorded.
//
// Bounded: the newest KEEP_RELEASES records stay, older ones are deleted when a release is recorded.
// Ten, like the Deployment's revisionHistoryLimit (the ReplicaSets kept for `kubectl rollout undo`),
// so a rollback reaches as far back as the cluster keeps pods' templates anyway; a record is a few
// kilobytes (a ConfigMap holds up to 1 MiB), so ten cost nothing to keep or to list.
import { GantryError } from "../../errors.js";
import { isRecord } from "../json.js";
import { commonLabels } from "../manifests/names.js";
import type { KubeObject } from "../manifests/objects.js";
import { toYaml } from "../manifests/yaml.js";
import type { RolloutPlan } from "./plan.js";

export const KEEP_RELEASES = 10;
export const RELEASE_OF_LABEL = "gantry.dev/release-of";
const IMAGE_ANNOTATION = "gantry.dev/release-image";
const REVISION_ANNOTATION = "gantry.dev/release-revision";
const RECORDED_AT_ANNOTATION = "gantry.dev/release-recorded-at";
const OBJECTS_KEY = "objects.yaml";

/** One recorded release: what ran, and every object it left. */
export interface ReleaseRecord {
  name: string;
  revision: string;
  image: string;
  /** Epoch ms of the last time it completed (a rollback to it records it again). */
  recordedAt: number;
  /** The objects, as YAML for `kubectl apply`. */
  objects: string;
}

export function releaseRecordName(service: string, revision: string): string {
  return `${service}-release-${revision}`;
}

/** The ConfigMap recording a release of `service` (its objects as YAML), at `recordedAt` (epoch ms). */
export function renderReleaseRecord(
  service: string,
  namespace: string,
  release: Pick<ReleaseRecord, "revision" | "image" | "objects">,
  recordedAt: number,
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: releaseRecordName(service, release.revision),
      namespace,
      // Not app.kubernetes.io/name: the rollout's `kubectl get` selects the service's objects by it.
      labels: { [RELEASE_OF_LABEL]: service, "app.kubernetes.io/managed-by": commonLabels(service)["app.kubernetes.io/managed-by"]! },
      annotations: { [IMAGE_ANNOTATION]: release.image, [REVISION_ANNOTATION]: release.revision, [RECORDED_AT_ANNOTATION]: String(Math.round(recordedAt)) },
    },
    data: { [OBJECTS_KEY]: release.objects },
  };
}

/** The record of the plan's release, with the objects the rollout left. */
export function planReleaseRecord(plan: RolloutPlan, objects: KubeObject[], recordedAt: number): KubeObject {
  const w = plan.workload;
  return renderReleaseRecord(w.service, w.env.namespace, { revision: plan.revision, image: w.image, objects: toYaml(objects) }, recordedAt);
}

/** The records in `kubectl get configmaps -l gantry.dev/release-of=<service> -o json`, newest first. */
export function parseReleaseRecords(json: string): ReleaseRecord[] {
  let list: unknown;
  try {
    list = JSON.parse(json);
  } catch {
    throw new GantryError(`kubectl get configmaps printed something that is not JSON: ${json.slice(0, 200)}`);
  }
  const items = isRecord(list) && Array.isArray(list["items"]) ? list["items"] : [];
  const records: ReleaseRecord[] = [];
  for (const item of items) {
    if (!isRecord(item) || !isRecord(item["metadata"])) continue;
    const meta = item["metadata"];
    const annotations = isRecord(meta["annotations"]) ? meta["annotations"] : {};
    const data = isRecord(item["data"]) ? item["data"] : {};
    const [revision, image, at, objects] = [
      annotations[REVISION_ANNOTATION],
      annotations[IMAGE_ANNOTATION],
      annotations[RECORDED_AT_ANNOTATION],
      data[OBJECTS_KEY],
    ];
    if (typeof revision !== "string" || typeof image !== "string" || typeof objects !== "string" || typeof at !== "string" || !/^\d+$/.test(at)) {
      throw new GantryError(
        `configmap/${String(meta["name"])}: not a release record Gantry wrote (annotations ${REVISION_ANNOTATION}, ${IMAGE_ANNOTATION}, ${RECORDED_AT_ANNOTATION} and data ${OBJECTS_KEY}); delete it`,
      );
    }
    records.push({ name: String(meta["name"]), revision, image, recordedAt: Number(at), objects });
  }
  return records.sort((a, b) => b.recordedAt - a.recordedAt || (a.name < b.name ? -1 : 1));
}

/** The records past the newest KEEP_RELEASES, to delete. */
export function recordsToPrune(records: ReleaseRecord[], keep = KEEP_RELEASES): ReleaseRecord[] {
  return records.slice(keep);
}

/**
 * The release `--to` names: a revision (exactly), or an image digest (`sha256:...`, or a reference
 * `repo@sha256:...`); several records of one digest (its config changed between them): the newest.
 */
export function findRelease(records: ReleaseRecord[], to: string, where: string): ReleaseRecord {
  const wanted = to.trim();
  const byRevision = records.find((r) => r.revision === wanted);
  if (byRevision) return byRevision;
  const digest = wanted.includes("@") ? wanted.slice(wanted.indexOf("@") + 1) : wanted;
  if (/^sha(256|384|512):[0-9a-f]+$/.test(digest)) {
    const byDigest = records.find((r) => r.image.endsWith(`@${digest}`));
    if (byDigest) return byDigest;
  }
  const known = records.map((r) => `${r.revision} (${r.image})`).join(", ");
  throw new GantryError(
    `rollback --to ${to}: no recorded release of ${where} has that revision or image digest; ` +
      (records.length === 0 ? "none is recorded yet (a release is recorded when its rollout completes)" : `the last ${records.length} recorded: ${known}`),
  );
}
