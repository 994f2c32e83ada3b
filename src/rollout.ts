import { func, object } from "@dagger.io/dagger";

/** One walk of a rollout: the steps taken, the weights, the measurements and the verdict. */
@object()
export class Rollout {
  /** promoted, unchanged, aborted, paused (waiting for promote), interrupted, refused (by the environment's policies, nothing applied) or error. */
  @func()
  verdict: string;
  /** Why the rollout ended as it did. */
  @func()
  reason: string;
  /** The image rolled out, pinned by digest. */
  @func()
  image: string;
  /** The revision rolled out: a hash of the image, the config and the pod spec (two rollouts of one image can differ). */
  @func()
  revision: string;
  /** Each action taken, in order: what it did, the canary weight it set, and why. */
  @func()
  steps: string[];
  /** The service's Deployments when it ended: deployment/<name> image=<ref> revision=<rev> ready=<ready>/<desired>. */
  @func()
  workloads: string[];
  /** Markdown for a job summary: the steps, the weights and every measurement. Example: dagger call environment --name staging deploy markdown */
  @func()
  markdown: string;
  /** With gitops: the commit the GitOps tool syncs (made now, or already there); empty otherwise. Example: dagger call environment --name production deploy --image ghcr.io/acme/api@sha256:... commit */
  @func()
  commit: string;

  /** The last step as Prometheus text exposition (gantry_rollout_* metrics), for the job to upload. Example: dagger call environment --name staging deploy metrics */
  @func()
  metrics: string;
  /** Each delivery of the notification and of the step marks (webhooks, GitHub, Grafana, Pushgateway): target, delivered or failed, and why. */
  @func()
  deliveries: string[];

  // Only API types may appear in an @object constructor (they become part of the module's API).
  constructor(
    verdict: string,
    reason: string,
    image: string,
    revision: string,
    steps: string[],
    workloads: string[],
    markdown: string,
    metrics: string,
    deliveries: string[],
    commit = "",
  ) {
    this.verdict = verdict;
    this.reason = reason;
    this.image = image;
    this.revision = revision;
    this.steps = steps;
    this.workloads = workloads;
    this.markdown = markdown;
    this.commit = commit;
    this.metrics = metrics;
    this.deliveries = deliveries;
  }

  /** Fails unless the rollout promoted (or had nothing to change). */
  @func()
  async check(): Promise<void> {
    const { rolloutSucceeded } = await import("#core/kube/report.js");
    if (!rolloutSucceeded(this.verdict)) throw new Error(`the rollout of ${this.image} ended ${this.verdict}: ${this.reason}`);
  }
}
