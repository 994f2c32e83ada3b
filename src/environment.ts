import { func, object, type Directory, type File, type Secret, type Service } from "@dagger.io/dagger";

import { callInput, environmentNamed, stageContext } from "./call.js";
import type { RolloutReport } from "#core/kube/report.js";
import { Rollout } from "./rollout.js";
import type { Settings } from "./settings.js";

/** How Gantry reaches an environment's cluster: what `environment` was given. */
@object()
export class ClusterAccess {
  /** The cluster's kubeconfig; unset: the reference the environment's deploy stage names. */
  kubeconfig?: Secret;
  /** The API server as a service, when the kubeconfig points at the caller's loopback. */
  cluster?: Service;
  /** kubectl image; empty: Gantry's pin. */
  kubectlImage: string;

  // Only API types may appear in an @object constructor (they become part of the module's API).
  constructor(kubeconfig: Secret | undefined, cluster: Service | undefined, kubectlImage: string) {
    this.kubeconfig = kubeconfig;
    this.cluster = cluster;
    this.kubectlImage = kubectlImage;
  }
}

/**
 * One environment of the pipeline file and the cluster it runs on, configured once: roll out to it,
 * gate its rollout by hand, read where it stands, print its objects, judge them by its policies,
 * replay its analysis.
 * Example: dagger call environment --name staging --kubeconfig file:$HOME/.kube/config status
 */
@object()
export class Environment {
  /** The module's settings (pipeline file, release overrides), shared with the Gantry object that made this one. */
  settings: Settings;
  /** The repository whose pipeline file describes the environment. */
  source: Directory;
  /** The environment's name under environments: in the pipeline file; empty: its only one. */
  @func()
  name: string;
  access: ClusterAccess;

  // Only API types may appear in an @object constructor (they become part of the module's API).
  constructor(settings: Settings, source: Directory, name: string, access: ClusterAccess) {
    this.settings = settings;
    this.source = source;
    this.name = name;
    this.access = access;
  }

  /**
   * Roll the service out with the environment's strategy (rolling, canary steps with analysis, or
   * blue-green), walked from here with nothing installed in the cluster, rolled back by itself when a
   * check fails. Without --image, it runs the pipeline's chain to this environment first, with the
   * gates the file declares: test and scan pass before anything is pushed or rolled out. Never cached.
   * Example: dagger call environment --name staging --kubeconfig file:$HOME/.kube/config deploy --repository ttl.sh/gantry-hello-api markdown
   */
  @func({ cache: "never" })
  async deploy(
    /** The image to roll out, pinned by digest (repo@sha256:...). Default: test, scan and publish the source, then roll that out. */
    image = "",
    /** Repository to publish to when no --image is given. Default: the pipeline's publish.repository. */
    repository?: string,
    /** Stages (or environments) whose manual approval is given for this run. */
    approve: string[] = [],
  ): Promise<Rollout> {
    const { deployTo } = await import("#dagger/deploy-chain.js");
    const ctx = await stageContext(callInput(this.settings, this.source, { publish: { repository } }));
    return rolloutObject(await deployTo(ctx, this.source, await environmentNamed(ctx, this.name), { image, approve, cluster: this.access }));
  }

  /** Past the current pause or analysis step of the rollout (or, with --full, all the way). Never cached. Example: dagger call environment --name production promote check */
  @func({ cache: "never" })
  async promote(
    /** Skip every remaining step and promote now. */
    full = false,
  ): Promise<Rollout> {
    const { gate } = await import("#dagger/deploy.js");
    const ctx = await this.context();
    return rolloutObject(await gate(ctx, await environmentNamed(ctx, this.name), this.access, { kind: "promote", full }));
  }

  /** Abort the rollout: all traffic back to the stable version, the new one removed. Never cached. Example: dagger call environment --name production abort --reason "p99 too high" */
  @func({ cache: "never" })
  async abort(
    /** Why, recorded on the rollout. */
    reason = "",
  ): Promise<Rollout> {
    const { gate } = await import("#dagger/deploy.js");
    const ctx = await this.context();
    return rolloutObject(await gate(ctx, await environmentNamed(ctx, this.name), this.access, { kind: "abort", reason }));
  }

  /** Where the rollout stands, in one line; changes nothing. Never cached. Example: dagger call environment --name production status */
  @func({ cache: "never" })
  async status(): Promise<string> {
    const { rolloutStatus } = await import("#dagger/deploy.js");
    const ctx = await this.context();
    return (await rolloutStatus(ctx, await environmentNamed(ctx, this.name), this.access)).summary;
  }

  /**
   * Verify a pushed image as this environment's deploys do first: its signature against the trusted
   * key or keyless identity, then its SBOM, provenance (this repository, a commit in this checkout's
   * history, this pipeline file) and scan attestations (a passed gate, recent enough). Fails naming
   * every failed check; returns the verified attestations as JSON. Reads no cluster; never cached.
   * Example: dagger call environment --name production verify --image ghcr.io/acme/api@sha256:0000000000000000000000000000000000000000000000000000000000000000
   */
  @func({ cache: "never" })
  async verify(
    /** The image, pinned by digest (repo@sha256:...). */
    image: string,
  ): Promise<string> {
    const { verifyCall } = await import("#dagger/verify.js");
    const ctx = await this.context();
    return verifyCall(ctx, image, await environmentNamed(ctx, this.name));
  }

  /**
   * The environment's Kubernetes objects as a finished rollout leaves them: Deployment (probes, limits,
   * a Pod Security "restricted" securityContext), Service, ConfigMap under a content-hashed name, and
   * the Ingress, HPA and PDB the environment asks for; the image pinned by digest. Reads no cluster.
   * Example: dagger call environment --name staging manifests --image ghcr.io/acme/api@sha256:... export --path k8s
   */
  @func()
  async manifests(
    /** The image to deploy, pinned by digest (repo@sha256:...). */
    image: string,
  ): Promise<Directory> {
    const { environmentManifests } = await import("#dagger/deploy.js");
    const { reportDirectory } = await import("#dagger/report-directory.js");
    const ctx = await this.context();
    const name = await environmentNamed(ctx, this.name);
    return reportDirectory({ [`${name}.yaml`]: await environmentManifests(ctx, name, image) });
  }

  /**
   * The environment's Rego policies (policy: in the pipeline file; Gantry's defaults in policies/gantry)
   * evaluated by Open Policy Agent over the objects a deploy of the image would apply, as deploy does
   * before applying anything: one line per violation, naming the rule and the object, or
   * "policy: passed". Reads no cluster, applies nothing; never cached (scan ages count from now).
   * Example: dagger call environment --name production policy --image ghcr.io/acme/api@sha256:...
   */
  @func({ cache: "never" })
  async policy(
    /** The image to judge, pinned by digest (repo@sha256:...). */
    image: string,
  ): Promise<string> {
    const { environmentPolicy } = await import("#dagger/deploy.js");
    const ctx = await this.context();
    return environmentPolicy(ctx, await environmentNamed(ctx, this.name), image, { repository: this.source });
  }

  /**
   * Replay the environment's analysis against Prometheus over a past window, before it can roll back
   * production: each measurement's checks and values, and the decision the rollout would have taken
   * ("would roll back", "would promote"). Changes nothing; never cached.
   * Example: dagger call environment --name production analyze --from 2026-12-07T10:00:00Z --to 2026-12-07T10:10:00Z
   */
  @func({ cache: "never" })
  async analyze(
    /** Start of the window, as when the analysis step would have started: RFC 3339 or Unix seconds. */
    from = "",
    /** End of the window: RFC 3339 or Unix seconds. */
    to = "",
    /** One moment instead of a window: a single measurement, RFC 3339 or Unix seconds. */
    at = "",
    /** The track whose series are measured. */
    track = "canary",
  ): Promise<string> {
    const { analyzeEnvironment } = await import("#dagger/deploy.js");
    const ctx = await this.context();
    return analyzeEnvironment(ctx, await environmentNamed(ctx, this.name), { from, to, at }, track, this.access);
  }

  /**
   * A Grafana dashboard of the environment (JSON to import): per track side by side, the requests,
   * error ratio and latency quantiles with exactly the PromQL its analysis sends, its limits drawn as
   * dashed lines, the share of requests the canary got, and the releases (annotations). Reads no cluster.
   * Example: dagger call environment --name production dashboard export --path dashboard.json
   */
  @func()
  async dashboard(): Promise<File> {
    const { environmentDashboard } = await import("#dagger/observe.js");
    const ctx = await this.context();
    return environmentDashboard(ctx, await environmentNamed(ctx, this.name));
  }

  /**
   * Prometheus rules for the environment (rules.yaml: its analysis queries recorded per track, alerts
   * on error ratio and p99 over its limits, a rollout aborted or stuck) and, for the Prometheus
   * Operator, prometheusrule.yaml and servicemonitor.yaml. Reads no cluster.
   * Example: dagger call environment --name production alerts export --path alerts
   */
  @func()
  async alerts(): Promise<Directory> {
    const { environmentAlerts } = await import("#dagger/observe.js");
    const ctx = await this.context();
    return environmentAlerts(ctx, await environmentNamed(ctx, this.name));
  }

  /**
   * Go back to a release the environment ran: its recorded objects (Deployment, Service, ConfigMap...)
   * applied again as they were, without analysis, reported like any rollout; the last 10 completed
   * releases are recorded in the cluster. With gitops: also committed (or, where the commit is the
   * deploy, restored from the repository's history). Never cached.
   * Example: dagger call environment --name production rollback --to sha256:4f1c... check
   */
  @func({ cache: "never" })
  async rollback(
    /** The release: its revision (as status and the Rollout report it) or its image digest (sha256:... or repo@sha256:...). */
    to: string,
  ): Promise<Rollout> {
    const { rollbackTo } = await import("#dagger/deploy.js");
    const ctx = await this.context();
    return rolloutObject(await rollbackTo(ctx, await environmentNamed(ctx, this.name), to, this.access));
  }

  /**
   * The objects that make a GitOps tool sync the environment's gitops: path: an Argo CD Application, or a
   * Flux GitRepository and Kustomization, as YAML to apply where the tool runs. Reads no cluster.
   * Example: dagger call environment --name production gitops-sync --tool argocd
   */
  @func()
  async gitopsSync(
    /** argocd (an Application) or flux (a GitRepository and a Kustomization). */
    tool: string,
    /** The namespace of the tool's objects. Default: argocd, flux-system. */
    namespace = "",
    /** Flux: an existing Secret with the repository's username and password, for a private repository. */
    fluxSecret = "",
  ): Promise<string> {
    const { gitopsSyncManifests } = await import("#dagger/deploy.js");
    const { syncTool } = await import("#core/kube/gitops/sync-objects.js");
    const ctx = await this.context();
    return gitopsSyncManifests(ctx, await environmentNamed(ctx, this.name), syncTool(tool), {
      ...(namespace ? { namespace } : {}),
      ...(fluxSecret ? { secretName: fluxSecret } : {}),
    });
  }

  /**
   * The four delivery metrics of the environment as Markdown: deployment frequency, lead time for
   * changes (commit to promoted), change failure rate (aborted / all) and time to restore, from the
   * rollout history kept on the service in the cluster (its last 100 rollouts). Changes nothing; never cached.
   * Example: dagger call environment --name production history --days 30
   */
  @func({ cache: "never" })
  async history(
    /** Only the rollouts that finished in the last this many days; 0: every one recorded. */
    days = 0,
  ): Promise<string> {
    const { rolloutHistory } = await import("#dagger/deploy.js");
    const ctx = await this.context();
    return rolloutHistory(ctx, await environmentNamed(ctx, this.name), days, this.access);
  }

  /**
   * The environment's objects as a Helm chart: the objects `manifests` prints, one template each, with
   * the image, replicas, resources and ingress host as values (their defaults this environment's), so
   * `helm template --namespace <the environment's>` prints exactly `manifests`. Checked by `helm lint --strict`.
   * Example: dagger call environment --name staging chart --image ghcr.io/acme/api@sha256:... export --path chart
   */
  @func()
  async chart(
    /** The image the chart's default values run, pinned by digest (repo@sha256:...). */
    image: string,
    /** helm image; any image whose entrypoint is helm v4 works (a mirror). Default: alpine/helm, pinned. */
    helmImage = "",
  ): Promise<Directory> {
    const { environmentChart } = await import("#dagger/chart.js");
    const ctx = await this.context();
    return environmentChart(ctx, await environmentNamed(ctx, this.name), image, helmImage || undefined);
  }

  /**
   * Package the environment's chart with the release's version and push it to an OCI registry
   * (<remote>/<service>:<version>); returns the chart's digest. Never cached (a push).
   * Example: dagger call --version 1.4.2 environment --name staging publish-chart --image ghcr.io/acme/api@sha256:... --remote oci://ghcr.io/acme/charts
   */
  @func({ cache: "never" })
  async publishChart(
    /** The image the chart's default values run, pinned by digest (repo@sha256:...). */
    image: string,
    /** Where charts go: oci://<registry>/<path>, no tag (the version is the tag). */
    remote: string,
    /** Registry user. Default: the pipeline's publish.username. */
    username = "",
    /** Registry password or token. Default: the pipeline's publish.password reference. */
    password?: Secret,
    /** A registry running as a Dagger service, bound under the remote's host and pushed to over plain HTTP (tests, demos). */
    registry?: Service,
    /** helm image; any image whose entrypoint is helm v4 works (a mirror). Default: alpine/helm, pinned. */
    helmImage = "",
  ): Promise<string> {
    const { publishEnvironmentChart } = await import("#dagger/chart.js");
    const ctx = await this.context();
    return publishEnvironmentChart(ctx, await environmentNamed(ctx, this.name), image, remote, {
      username,
      ...(password ? { password } : {}),
      ...(registry ? { registry } : {}),
      ...(helmImage ? { helmImage } : {}),
    });
  }

  private context() {
    return stageContext(callInput(this.settings, this.source));
  }
}

/** The module's view of a rollout report: plain values, so it stays valid wherever a call continues. */
export async function rolloutObject(report: RolloutReport): Promise<Rollout> {
  const { rolloutMarkdown } = await import("#core/kube/report.js");
  const steps = report.actions.map((a) => `${a.kind}${a.weight === undefined ? "" : ` ${a.weight}%`}: ${a.reason}`);
  const commit = (report as { gitops?: { commit: string } }).gitops?.commit ?? "";
  const deliveries = (report.deliveries ?? []).map((d) => `${d.target} ${d.ok ? "delivered" : "failed"}: ${d.detail}`);
  return new Rollout(
    report.verdict,
    report.reason,
    report.image,
    report.revision,
    steps,
    report.workloads ?? [],
    rolloutMarkdown(report),
    report.exposition ?? "",
    deliveries,
    commit,
  );
}
