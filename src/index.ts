/**
 * Gantry: CI/CD for Go services on Kubernetes. Test, build, package, scan and publish a Go service
 * with one module, the same way on a laptop, in GitHub Actions and in GitLab CI.
 */
import { argument, check, dag, func, object, type Directory, type File, type Platform, type Secret, type Service } from "@dagger.io/dagger";

import { callInput, environmentNamed, stageContext, type ModuleSettings } from "./call.js";
import { BaseKind, SbomFormat, Severity } from "./enums.js";
import { Image } from "./image.js";
import { PipelineRun } from "./pipeline-run.js";
import { Rollout } from "./rollout.js";
import type { RolloutReport } from "#core/kube/report.js";
import { ScanReport } from "./scan-report.js";
import { TestReport } from "./test-report.js";

// Functions take the repository as an argument rather than the constructor: a changed source then
// re-runs only the function called, not the constructor too (each runtime call costs seconds). The
// introspector reads @argument's options as literals, so they are written out at each use.

/**
 * A Go service's pipeline, described once in a pipeline file (pipelines/gantry.yaml) that every
 * function reads; function arguments override it. The release (commit, time, ref, versions) comes
 * from the checkout's git unless given here.
 */
@object()
export class Gantry implements ModuleSettings {
  config: string;
  ref: string;
  version: string;
  commit: string;
  sourceDateEpoch: number;

  constructor(
    /** Pipeline file, relative to the repository root (see pipelines/gantry.schema.json); a missing default file means all defaults. */
    config = "pipelines/gantry.yaml",
    /** Git ref being built (refs/tags/v1.2.3, refs/heads/main, refs/pull/12/merge). Default: from the checkout's .git. */
    ref = "",
    /** Release version (1.2.3). Default: the version a release tag at HEAD names. */
    version = "",
    /** Commit SHA being built. Default: HEAD of the checkout's .git. */
    commit = "",
    /** Commit time in Unix seconds, for the build date and every image timestamp. Default: HEAD's commit time. */
    sourceDateEpoch = 0,
  ) {
    this.config = config;
    this.ref = ref;
    this.version = version;
    this.commit = commit;
    this.sourceDateEpoch = sourceDateEpoch;
  }

  /** Cross-compile static binaries, one per platform, named <name>_<os>_<arch>. Example: dagger call build export --path dist */
  @func()
  async build(
    /** The repository (its pipeline file names the Go module inside it). */
    @argument({ defaultPath: "/", ignore: ["**/node_modules", ".dagger", "dist", "tmp", ".tools"] }) source: Directory,
    /** Target platforms, e.g. linux/amd64 linux/arm64 darwin/arm64. Default: the pipeline's. */
    platforms?: Platform[],
  ): Promise<Directory> {
    const { buildBinaries } = await import("#dagger/go-build.js");
    const ctx = await stageContext(callInput(this, source, { go: { platforms } }));
    return (await buildBinaries(ctx, ctx.pipeline.go.platforms)).dist;
  }

  /**
   * Run go test and return its report; the call succeeds even when tests fail (see TestReport.check).
   * Cached per session: the report holds engine files, which a later session cannot resolve.
   * Example: dagger call test reports export --path reports/test
   */
  @func({ cache: "session" })
  async test(
    /** The repository (its pipeline file names the Go module inside it). */
    @argument({ defaultPath: "/", ignore: ["**/node_modules", ".dagger", "dist", "tmp", ".tools"] }) source: Directory,
    /** Run only tests matching this regular expression (-run). */
    run?: string,
    /** Skip tests matching this regular expression (-skip). */
    skip?: string,
    /** Enable the race detector (turns cgo on). */
    race?: boolean,
    /** Measure statement coverage. */
    cover?: boolean,
    /** Run each test this many times (-count). */
    count?: number,
    /** Stop after the first failing test (-failfast). */
    failfast?: boolean,
  ): Promise<TestReport> {
    const { runTests } = await import("#dagger/go-test.js");
    const tested = await runTests(await stageContext(callInput(this, source, { test: { run, skip, race, cover, count, failfast } })));
    return TestReport.of(tested.events, tested.exitCode, tested.coverprofile, tested.source);
  }

  /** Gate: the tests pass. Run by `dagger check`. */
  @func({ cache: "session" })
  @check()
  async testsPass(
    /** The repository (its pipeline file names the Go module inside it). */
    @argument({ defaultPath: "/", ignore: ["**/node_modules", ".dagger", "dist", "tmp", ".tools"] }) source: Directory,
  ): Promise<void> {
    await (await this.test(source)).check();
  }

  /**
   * The service's runtime image: the binary on the base, non-root, labelled. Continue with container,
   * tarball, sbom, scan or publish. Example: dagger call image --platforms linux/arm64 container
   */
  @func({ cache: "session" })
  image(
    /** The repository (its pipeline file names the Go module inside it). */
    @argument({ defaultPath: "/", ignore: ["**/node_modules", ".dagger", "dist", "tmp", ".tools"] }) source: Directory,
    /** Platforms of the image. Default: the pipeline's Linux platforms. */
    platforms: Platform[] = [],
    /** Runtime base. Default: the pipeline's (distroless). */
    base?: BaseKind,
    /** The custom base's reference, or a mirror of the distroless or alpine image. */
    baseImage = "",
  ): Image {
    return Image.of(this, source, platforms, base ?? "", baseImage);
  }

  /**
   * Scan the image Gantry builds with Trivy and judge it by the pipeline's gate. Cached for 10
   * minutes, so the reports and the check of one job read one scan.
   * Example: dagger call scan reports export --path reports/scan
   */
  @func({ cache: "10m" })
  async scan(
    /** The repository (its pipeline file names the Go module inside it). */
    @argument({ defaultPath: "/", ignore: ["**/node_modules", ".dagger", "dist", "tmp", ".tools"] }) source: Directory,
    /** Platform of the image to scan. Default: the engine's platform. */
    platform?: Platform,
    /** Severities that fail the gate. Default: the pipeline's (HIGH, CRITICAL). */
    severities?: Severity[],
    /** Let findings without a released fix pass the gate. */
    ignoreUnfixed?: boolean,
    /** Pass with a "not scanned" verdict when no DB mirror can be reached, instead of failing closed. */
    failOpen?: boolean,
  ): Promise<ScanReport> {
    return this.image(source).scan(platform, severities, ignoreUnfixed, failOpen);
  }

  /** Gate: the image's scan passes. Run by `dagger check`. */
  @func({ cache: "10m" })
  @check()
  async scanPasses(
    /** The repository (its pipeline file names the Go module inside it). */
    @argument({ defaultPath: "/", ignore: ["**/node_modules", ".dagger", "dist", "tmp", ".tools"] }) source: Directory,
  ): Promise<void> {
    await (await this.scan(source)).check();
  }

  /** Scan a published image with Trivy, judged by the pipeline's gate. Example: dagger call scan-image --ref ghcr.io/acme/api:1.2.3 check */
  @func({ cache: "10m" })
  async scanImage(
    /** The image to scan, e.g. ghcr.io/acme/api:1.2.3. */
    ref: string,
    /** The repository whose pipeline file holds the gate. */
    @argument({ defaultPath: "/", ignore: ["**/node_modules", ".dagger", "dist", "tmp", ".tools"] }) source: Directory,
    /** Severities that fail the gate. Default: the pipeline's (HIGH, CRITICAL). */
    severities?: Severity[],
    /** Let findings without a released fix pass the gate. */
    ignoreUnfixed?: boolean,
  ): Promise<ScanReport> {
    const { scanSubject } = await import("#dagger/scan.js");
    return ScanReport.of(await scanSubject({ kind: "image", ref }, source, this.config, { severities, ignoreUnfixed }));
  }

  /** Scan a directory (go.mod, lock files, binaries) with Trivy, judged by the pipeline's gate. Example: dagger call scan-directory --directory . summary */
  @func({ cache: "10m" })
  async scanDirectory(
    /** The directory to scan. */
    directory: Directory,
    /** The repository whose pipeline file holds the gate. */
    @argument({ defaultPath: "/", ignore: ["**/node_modules", ".dagger", "dist", "tmp", ".tools"] }) source: Directory,
    /** Severities that fail the gate. Default: the pipeline's (HIGH, CRITICAL). */
    severities?: Severity[],
    /** Let findings without a released fix pass the gate. */
    ignoreUnfixed?: boolean,
  ): Promise<ScanReport> {
    const { scanSubject } = await import("#dagger/scan.js");
    return ScanReport.of(await scanSubject({ kind: "fs", directory }, source, this.config, { severities, ignoreUnfixed }));
  }

  /**
   * Build and push the multi-platform image under its computed tags; returns repo:tag@sha256:...
   * for each. Never cached. Example: dagger call publish --repository ghcr.io/acme/api --username me --password env:GITHUB_TOKEN
   */
  @func({ cache: "never" })
  async publish(
    /** The repository (its pipeline file names the Go module inside it). */
    @argument({ defaultPath: "/", ignore: ["**/node_modules", ".dagger", "dist", "tmp", ".tools"] }) source: Directory,
    /** Repository to push to, without tag: ghcr.io/acme/api. Default: the pipeline's publish.repository. */
    repository?: string,
    /** Extra tags or templates ({{version}}, {{major}}, {{minor}}, {{sha}}, {{short_sha}}, {{branch}}, {{date}}). */
    tags?: string[],
    /** Registry user name. Default: the pipeline's publish.username. */
    username?: string,
    /** Registry password or token. Default: the pipeline's publish.password reference. */
    password?: Secret,
    /** Versions already released, when the checkout cannot list them (a shallow clone). Default: the repository's tags. */
    releasedVersions?: string[],
    /** A registry running as a Dagger service, reached at the host of --repository and pushed to over plain HTTP (tests, demos). */
    registry?: Service,
  ): Promise<string[]> {
    return this.image(source).publish(repository, tags, username, password, releasedVersions, undefined, undefined, registry);
  }

  /** A software bill of materials of the image, made by syft. Example: dagger call sbom export --path sbom.spdx.json */
  @func()
  async sbom(
    /** The repository (its pipeline file names the Go module inside it). */
    @argument({ defaultPath: "/", ignore: ["**/node_modules", ".dagger", "dist", "tmp", ".tools"] }) source: Directory,
    /** SBOM format. Default: the pipeline's (spdx-json). */
    format?: SbomFormat,
    /** Platform of the image to describe. Default: the engine's platform. */
    platform?: Platform,
  ): Promise<File> {
    return this.image(source).sbom(format, platform);
  }

  /**
   * The environment's Kubernetes objects as a finished rollout leaves them: Deployment (probes, limits,
   * a Pod Security "restricted" securityContext), Service, ConfigMap under a content-hashed name, and
   * the Ingress, HPA and PDB the environment asks for; the image pinned by digest.
   * Example: dagger call manifests --environment staging --image ghcr.io/acme/api@sha256:... export --path k8s
   */
  @func()
  async manifests(
    /** The repository (its pipeline file describes the environment). */
    @argument({ defaultPath: "/", ignore: ["**/node_modules", ".dagger", "dist", "tmp", ".tools"] }) source: Directory,
    /** The environment, as named under environments: in the pipeline file. */
    environment: string,
    /** The image to deploy, pinned by digest (repo@sha256:...). */
    image: string,
  ): Promise<Directory> {
    const { environmentManifests } = await import("#dagger/deploy.js");
    const { reportDirectory } = await import("#dagger/report-directory.js");
    const ctx = await stageContext(callInput(this, source));
    return reportDirectory({ [`${environment}.yaml`]: await environmentManifests(ctx, environment, image) });
  }

  /**
   * Roll the service out to an environment with its strategy (rolling, canary steps with analysis, or
   * blue-green), walked from here with nothing installed in the cluster, and roll back by itself when a
   * check fails. Without --image, it runs the pipeline's chain to that environment first, with the gates
   * the file declares: test and scan pass before anything is pushed or rolled out. When nothing names a
   * cluster or a registry (or with --embedded), it starts its own: k3s, a registry and Prometheus as
   * Dagger services, then rolls the service out as the stable version and again as a canary under
   * traffic, measured and promoted or rolled back. Never cached.
   * Example: dagger call deploy --environment staging markdown
   */
  @func({ cache: "never" })
  async deploy(
    /** The repository (its pipeline file describes the environment). */
    @argument({ defaultPath: "/", ignore: ["**/node_modules", ".dagger", "dist", "tmp", ".tools"] }) source: Directory,
    /** The environment, as named under environments: in the pipeline file. Default: its only one. */
    environment = "",
    /** The image to roll out, pinned by digest (repo@sha256:...). Default: test, scan and publish this source, then roll that out. */
    image = "",
    /** Repository to publish to when no --image is given. Default: the pipeline's publish.repository. */
    repository?: string,
    /** Stages (or environments) whose manual approval is given for this run. */
    approve: string[] = [],
    /** The cluster's kubeconfig. Default: the reference the environment's deploy stage names. */
    kubeconfig?: Secret,
    /** The API server as a service, when the kubeconfig points at this machine's loopback (kind, k3d): tcp://localhost:6443. */
    cluster?: Service,
    /** kubectl image; any image with kubectl on PATH. */
    kubectlImage = "",
    /** Deploy to a k3s cluster, a registry and Prometheus started as Dagger services, never to a cluster a kubeconfig names. Default: when nothing names a cluster or a registry. */
    embedded = false,
    /** Embedded demo: the canary answers half of its requests with HTTP 500 (hello-api's ERROR_RATE), so the analysis rolls it back. */
    badCanary = false,
    /** Embedded demo: the Kubernetes (k3s) image, e.g. a copy in a registry an air-gapped network reaches. Default: rancher/k3s:v1.36.4-k3s1. */
    kubernetesImage = "",
    /** Embedded demo: the registry image. Default: registry:3.0.0. */
    registryImage = "",
    /** Embedded demo: the Prometheus image (busybox-based: it also sends the traffic). Default: prom/prometheus:v3.16.0. */
    prometheusImage = "",
  ): Promise<Rollout> {
    const { deployTo } = await import("#dagger/deploy-chain.js");
    const ctx = await stageContext(callInput(this, source, { publish: { repository } }));
    const images = { k3s: kubernetesImage, registry: registryImage, prometheus: prometheusImage };
    const args = { image, approve, cluster: { kubeconfig, cluster, kubectlImage }, embedded, badCanary, images };
    return rolloutObject(await deployTo(ctx, source, await environmentNamed(ctx, environment), args));
  }

  /** Past the current pause or analysis step of the environment's rollout (or, with --full, all the way). Example: dagger call promote --environment production check */
  @func({ cache: "never" })
  async promote(
    /** The repository (its pipeline file describes the environment). */
    @argument({ defaultPath: "/", ignore: ["**/node_modules", ".dagger", "dist", "tmp", ".tools"] }) source: Directory,
    /** The environment, as named under environments: in the pipeline file. Default: its only one. */
    environment = "",
    /** Skip every remaining step and promote now. */
    full = false,
    /** The cluster's kubeconfig. Default: the reference the environment's deploy stage names. */
    kubeconfig?: Secret,
    /** The API server as a service, when the kubeconfig points at this machine's loopback: tcp://localhost:6443. */
    cluster?: Service,
  ): Promise<Rollout> {
    const { gate } = await import("#dagger/deploy.js");
    const ctx = await stageContext(callInput(this, source));
    return rolloutObject(await gate(ctx, await environmentNamed(ctx, environment), { kubeconfig, cluster }, { kind: "promote", full }));
  }

  /** Abort the environment's rollout: all traffic back to the stable version, the new one removed. Example: dagger call abort --environment production --reason "p99 too high" */
  @func({ cache: "never" })
  async abort(
    /** The repository (its pipeline file describes the environment). */
    @argument({ defaultPath: "/", ignore: ["**/node_modules", ".dagger", "dist", "tmp", ".tools"] }) source: Directory,
    /** The environment, as named under environments: in the pipeline file. Default: its only one. */
    environment = "",
    /** Why, recorded on the rollout. */
    reason = "",
    /** The cluster's kubeconfig. Default: the reference the environment's deploy stage names. */
    kubeconfig?: Secret,
    /** The API server as a service, when the kubeconfig points at this machine's loopback: tcp://localhost:6443. */
    cluster?: Service,
  ): Promise<Rollout> {
    const { gate } = await import("#dagger/deploy.js");
    const ctx = await stageContext(callInput(this, source));
    return rolloutObject(await gate(ctx, await environmentNamed(ctx, environment), { kubeconfig, cluster }, { kind: "abort", reason }));
  }

  /**
   * Go back to a release the environment ran: its recorded objects (Deployment, Service, ConfigMap...)
   * applied again as they were, without analysis, reported like any rollout. The last 10 completed
   * releases are recorded in the cluster. Example: dagger call rollback --environment production --to sha256:4f1c... check
   */
  @func({ cache: "never" })
  async rollback(
    /** The repository (its pipeline file describes the environment). */
    @argument({ defaultPath: "/", ignore: ["**/node_modules", ".dagger", "dist", "tmp", ".tools"] }) source: Directory,
    /** The release: its revision (as status and the Rollout report it) or its image digest (sha256:... or repo@sha256:...). */
    to: string,
    /** The environment, as named under environments: in the pipeline file. Default: its only one. */
    environment = "",
    /** The cluster's kubeconfig. Default: the reference the environment's deploy stage names. */
    kubeconfig?: Secret,
    /** The API server as a service, when the kubeconfig points at this machine's loopback: tcp://localhost:6443. */
    cluster?: Service,
  ): Promise<Rollout> {
    const { rollbackTo } = await import("#dagger/deploy.js");
    const ctx = await stageContext(callInput(this, source));
    return rolloutObject(await rollbackTo(ctx, await environmentNamed(ctx, environment), to, { kubeconfig, cluster }));
  }

  /**
   * The objects that make a GitOps tool sync the environment's gitops: path: an Argo CD Application, or a
   * Flux GitRepository and Kustomization, as YAML to apply where the tool runs. Example: dagger call gitops-sync --environment production --tool argocd
   */
  @func()
  async gitopsSync(
    /** The repository (its pipeline file describes the environment and its gitops: section). */
    @argument({ defaultPath: "/", ignore: ["**/node_modules", ".dagger", "dist", "tmp", ".tools"] }) source: Directory,
    /** argocd (an Application) or flux (a GitRepository and a Kustomization). */
    tool: string,
    /** The environment, as named under environments: in the pipeline file. Default: its only one. */
    environment = "",
    /** The namespace of the tool's objects. Default: argocd, flux-system. */
    namespace = "",
    /** Flux: an existing Secret with the repository's username and password, for a private repository. */
    fluxSecret = "",
  ): Promise<string> {
    const { gitopsSyncManifests } = await import("#dagger/deploy.js");
    const { syncTool } = await import("#core/kube/gitops/sync-objects.js");
    const ctx = await stageContext(callInput(this, source));
    return gitopsSyncManifests(ctx, await environmentNamed(ctx, environment), syncTool(tool), { ...(namespace ? { namespace } : {}), ...(fluxSecret ? { secretName: fluxSecret } : {}) });
  }

  /** Where the environment's rollout stands, in one line; changes nothing. Example: dagger call status --environment production */
  @func({ cache: "never" })
  async status(
    /** The repository (its pipeline file describes the environment). */
    @argument({ defaultPath: "/", ignore: ["**/node_modules", ".dagger", "dist", "tmp", ".tools"] }) source: Directory,
    /** The environment, as named under environments: in the pipeline file. Default: its only one. */
    environment = "",
    /** The cluster's kubeconfig. Default: the reference the environment's deploy stage names. */
    kubeconfig?: Secret,
    /** The API server as a service, when the kubeconfig points at this machine's loopback: tcp://localhost:6443. */
    cluster?: Service,
  ): Promise<string> {
    const { rolloutStatus } = await import("#dagger/deploy.js");
    const ctx = await stageContext(callInput(this, source));
    return (await rolloutStatus(ctx, await environmentNamed(ctx, environment), { kubeconfig, cluster })).summary;
  }

  /**
   * Replay the environment's analysis against Prometheus over a past window, before it can roll back
   * production: each measurement's checks and values, and the decision the rollout would have taken
   * ("would roll back", "would promote"). Changes nothing. Example: dagger call analyze --environment production --from 2026-12-07T10:00:00Z --to 2026-12-07T10:10:00Z
   */
  @func({ cache: "never" })
  async analyze(
    /** The repository (its pipeline file describes the environment and its analysis). */
    @argument({ defaultPath: "/", ignore: ["**/node_modules", ".dagger", "dist", "tmp", ".tools"] }) source: Directory,
    /** The environment, as named under environments: in the pipeline file. Default: its only one. */
    environment = "",
    /** Start of the window, as when the analysis step would have started: RFC 3339 or Unix seconds. */
    from = "",
    /** End of the window: RFC 3339 or Unix seconds. */
    to = "",
    /** One moment instead of a window: a single measurement, RFC 3339 or Unix seconds. */
    at = "",
    /** The track whose series are measured. */
    track = "canary",
    /** The cluster's kubeconfig, for a Prometheus reached through the API server. Default: the reference the environment's deploy stage names. */
    kubeconfig?: Secret,
    /** The API server as a service, when the kubeconfig points at this machine's loopback: tcp://localhost:6443. */
    cluster?: Service,
  ): Promise<string> {
    const { analyzeEnvironment } = await import("#dagger/deploy.js");
    const ctx = await stageContext(callInput(this, source));
    return analyzeEnvironment(ctx, await environmentNamed(ctx, environment), { from, to, at }, track, { kubeconfig, cluster });
  }

  /**
   * Run the pipeline file's stages (test, build, image, scan, publish, deploy) in one call: the
   * stages form a graph, independent ones run concurrently, a failed stage stops what depends on it,
   * and nothing is pushed or rolled out unless test and scan passed. Never cached.
   * Example: dagger call run --stage publish summary
   */
  @func({ cache: "never" })
  async run(
    /** The repository (its pipeline file names the Go module inside it). */
    @argument({ defaultPath: "/", ignore: ["**/node_modules", ".dagger", "dist", "tmp", ".tools"] }) source: Directory,
    /** Run only this stage and what it waits for. */
    stage = "",
    /** Run the chain up to this environment's deploy stage. */
    environment = "",
    /** Stages (or environments) whose manual approval is given for this run. */
    approve: string[] = [],
    /** The cluster's kubeconfig for the deploy stages. Default: the reference each deploy stage names. */
    kubeconfig?: Secret,
    /** The API server as a service, when the kubeconfig points at this machine's loopback: tcp://localhost:6443. */
    cluster?: Service,
  ): Promise<PipelineRun> {
    const { runPipeline } = await import("#dagger/run.js");
    const { runSummaryMarkdown } = await import("#core/pipeline/run-summary.js");
    const { stageLines } = await import("#core/pipeline/runner.js");
    if (stage && environment) throw new Error("--stage and --environment: give one of them");
    const ctx = await stageContext(callInput(this, source));
    const report = await runPipeline(ctx, { source, selection: stage ? { stage } : environment ? { environment } : {}, approve, cluster: { kubeconfig, cluster } });
    return new PipelineRun(report.status, stageLines(report), runSummaryMarkdown(report));
  }

  /**
   * The CI files for the pipeline file, generated so that a pipeline is written once: a GitHub
   * Actions workflow, a GitLab CI file and a declarative Jenkinsfile. Example: dagger call ci-files export --path .
   */
  @func()
  async ciFiles(
    /** The repository (its pipeline file names the Go module inside it). */
    @argument({ defaultPath: "/", ignore: ["**/node_modules", ".dagger", "dist", "tmp", ".tools"] }) source: Directory,
    /** The Gantry module the files call, e.g. github.com/acme/gantry@v0.2.0. Default: the repository itself is the module. */
    module = "",
    /** The Dagger engine version the CI installs. Default: the engineVersion this module declares. */
    engineVersion = "",
  ): Promise<Directory> {
    const { readPipeline } = await import("#dagger/context.js");
    const { ciFiles } = await import("#core/pipeline/ci/files.js");
    const declared = engineVersion || (JSON.parse(await dag.currentModule().source().file("dagger.json").contents()) as { engineVersion: string }).engineVersion;
    const files = ciFiles(await readPipeline(source, this.config), { config: this.config, engineVersion: declared, module: module || undefined });
    const { reportDirectory } = await import("#dagger/report-directory.js");
    return reportDirectory(files);
  }

  /** The equivalent multi-stage Dockerfile, generated from the same plans. Example: dagger call dockerfile export --path Dockerfile */
  @func()
  async dockerfile(
    /** The repository (its pipeline file names the Go module inside it). */
    @argument({ defaultPath: "/", ignore: ["**/node_modules", ".dagger", "dist", "tmp", ".tools"] }) source: Directory,
  ): Promise<File> {
    const { planBinaries } = await import("#dagger/go-build.js");
    const { renderServiceDockerfile } = await import("#core/image/service-dockerfile.js");
    const { linuxPlatforms } = await import("#core/image/platforms.js");
    const ctx = await stageContext(callInput(this, source));
    const platforms = linuxPlatforms(ctx.pipeline.go.platforms);
    const plan = await planBinaries(ctx, platforms);
    return dag.file("Dockerfile", renderServiceDockerfile({ ...ctx.pipeline.image, name: plan.name }, ctx.release, plan, ctx.pipeline.go.buildTags, ctx.toolchain.image, platforms));
  }
}

/** The module's view of a rollout report: plain values, so it stays valid wherever a call continues. */
async function rolloutObject(report: RolloutReport): Promise<Rollout> {
  const { rolloutMarkdown } = await import("#core/kube/report.js");
  const steps = report.actions.map((a) => `${a.kind}${a.weight === undefined ? "" : ` ${a.weight}%`}: ${a.reason}`);
  const commit = (report as { gitops?: { commit: string } }).gitops?.commit ?? "";
  return new Rollout(report.verdict, report.reason, report.image, report.revision, steps, report.workloads ?? [], rolloutMarkdown(report), commit);
}
