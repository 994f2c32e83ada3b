/**
 * Gantry: CI/CD for Go services on Kubernetes. Test, build, package, scan and publish a Go service
 * with one module, the same way on a laptop, in GitHub Actions and in GitLab CI.
 */
import { argument, check, dag, func, object, type Directory, type File, type Platform, type Secret, type Service } from "@dagger.io/dagger";

import { callInput, REPOSITORY_IGNORE, stageContext } from "./call.js";
import { BaseKind, SbomFormat, Severity } from "./enums.js";
import { ClusterAccess, Environment, rolloutObject } from "./environment.js";
import { Image, ImageOptions } from "./image.js";
import { PipelineRun } from "./pipeline-run.js";
import { Rollout } from "./rollout.js";
import { ScanReport } from "./scan-report.js";
import { Settings } from "./settings.js";
import { TestReport } from "./test-report.js";

// Functions take the repository as an argument rather than the constructor: a changed source then
// re-runs only the function called, not the constructor too (each runtime call costs seconds).

/**
 * A Go service's pipeline, described once in a pipeline file (pipelines/gantry.yaml) that every
 * function reads; function arguments override it. The release (commit, time, ref, versions) comes
 * from the checkout's git unless given here.
 */
@object()
export class Gantry {
  /** The constructor's settings, as one object that Image and Environment share. */
  settings: Settings;

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
    this.settings = new Settings(config, ref, version, commit, sourceDateEpoch);
  }

  /**
   * Cross-compile static binaries, one per platform, named <name>_<os>_<arch>. Example: dagger call build export --path dist
   * (from empty Go caches, the constructor untouched: dagger call build --module-cache mod-1 --build-cache build-1 export --path dist)
   */
  @func()
  async build(
    /** The repository (its pipeline file names the Go module inside it). */
    @argument({ defaultPath: "/", ignore: REPOSITORY_IGNORE }) source: Directory,
    /** Target platforms, e.g. linux/amd64 linux/arm64 darwin/arm64. Default: the pipeline's. */
    platforms?: Platform[],
    /** Cache volume for downloaded modules (GOMODCACHE), e.g. a new name for a build from empty caches. Default: the pipeline's go.moduleCache. */
    moduleCache?: string,
    /** Cache volume for compiled packages (GOCACHE). Default: the pipeline's go.buildCache. */
    buildCache?: string,
  ): Promise<Directory> {
    const { buildBinaries } = await import("#dagger/go-build.js");
    const ctx = await stageContext(callInput(this.settings, source, { go: { platforms, moduleCache, buildCache } }));
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
    @argument({ defaultPath: "/", ignore: REPOSITORY_IGNORE }) source: Directory,
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
    /** Cache volume for downloaded modules (GOMODCACHE). Default: the pipeline's go.moduleCache. */
    moduleCache?: string,
    /** Cache volume for compiled packages and test results (GOCACHE). Default: the pipeline's go.buildCache. */
    buildCache?: string,
  ): Promise<TestReport> {
    const { runTests } = await import("#dagger/go-test.js");
    const tested = await runTests(
      await stageContext(callInput(this.settings, source, { go: { moduleCache, buildCache }, test: { run, skip, race, cover, count, failfast } })),
    );
    return TestReport.of(tested);
  }

  /** Gate: the tests pass. Run by `dagger check`. */
  @func({ cache: "session" })
  @check()
  async testsPass(
    /** The repository (its pipeline file names the Go module inside it). */
    @argument({ defaultPath: "/", ignore: REPOSITORY_IGNORE }) source: Directory,
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
    @argument({ defaultPath: "/", ignore: REPOSITORY_IGNORE }) source: Directory,
    /** Platforms of the image. Default: the pipeline's Linux platforms. */
    platforms: Platform[] = [],
    /** Runtime base. Default: the pipeline's (distroless). */
    base?: BaseKind,
    /** The custom base's reference, or a mirror of the distroless or alpine image. */
    baseImage = "",
  ): Image {
    return new Image(this.settings, source, new ImageOptions(platforms, base ?? "", baseImage));
  }

  /**
   * Scan the image Gantry builds with Trivy and judge it by the pipeline's gate. Cached for 10
   * minutes, so the reports and the check of one job read one scan.
   * Example: dagger call scan --image-name ghcr.io/acme/api:1.2.3 reports export --path reports/scan
   */
  @func({ cache: "10m" })
  async scan(
    /** The repository (its pipeline file names the Go module inside it). */
    @argument({ defaultPath: "/", ignore: REPOSITORY_IGNORE }) source: Directory,
    /** Platform of the image to scan. Default: the engine's platform. */
    platform?: Platform,
    /** Severities that fail the gate. Default: the pipeline's (HIGH, CRITICAL). */
    severities?: Severity[],
    /** Let findings without a released fix pass the gate. */
    ignoreUnfixed?: boolean,
    /** Pass with a "not scanned" verdict when no DB mirror can be reached, instead of failing closed. */
    failOpen?: boolean,
    /** The image's published name, e.g. ghcr.io/acme/api:1.2.3: names it in every report and enables the GitLab report. */
    imageName = "",
    /** GitHub code-scanning category of the SARIF report, to keep several scans of one commit apart. */
    sarifCategory = "",
  ): Promise<ScanReport> {
    return this.image(source).scan(platform, severities, ignoreUnfixed, failOpen, imageName, sarifCategory);
  }

  /** Gate: the image's scan passes. Run by `dagger check`. */
  @func({ cache: "10m" })
  @check()
  async scanPasses(
    /** The repository (its pipeline file names the Go module inside it). */
    @argument({ defaultPath: "/", ignore: REPOSITORY_IGNORE }) source: Directory,
  ): Promise<void> {
    await (await this.scan(source)).check();
  }

  /** Scan a published image with Trivy, judged by the pipeline's gate. Example: dagger call scan-image --ref ghcr.io/acme/api:1.2.3 check */
  @func({ cache: "10m" })
  async scanImage(
    /** The image to scan, e.g. ghcr.io/acme/api:1.2.3. */
    ref: string,
    /** The repository whose pipeline file holds the gate. */
    @argument({ defaultPath: "/", ignore: REPOSITORY_IGNORE }) source: Directory,
    /** Severities that fail the gate. Default: the pipeline's (HIGH, CRITICAL). */
    severities?: Severity[],
    /** Let findings without a released fix pass the gate. */
    ignoreUnfixed?: boolean,
  ): Promise<ScanReport> {
    const { scanSubject } = await import("#dagger/scan.js");
    return ScanReport.of(await scanSubject({ kind: "image", ref }, source, this.settings.config, { severities, ignoreUnfixed }));
  }

  /** Scan a directory (go.mod, lock files, binaries) with Trivy, judged by the pipeline's gate. Example: dagger call scan-directory --directory . summary */
  @func({ cache: "10m" })
  async scanDirectory(
    /** The directory to scan. */
    directory: Directory,
    /** The repository whose pipeline file holds the gate. */
    @argument({ defaultPath: "/", ignore: REPOSITORY_IGNORE }) source: Directory,
    /** Severities that fail the gate. Default: the pipeline's (HIGH, CRITICAL). */
    severities?: Severity[],
    /** Let findings without a released fix pass the gate. */
    ignoreUnfixed?: boolean,
  ): Promise<ScanReport> {
    const { scanSubject } = await import("#dagger/scan.js");
    return ScanReport.of(await scanSubject({ kind: "fs", directory }, source, this.settings.config, { severities, ignoreUnfixed }));
  }

  /**
   * Build and push the multi-platform image under its computed tags; returns repo:tag@sha256:...
   * for each. Never cached. Example: dagger call publish --repository ghcr.io/acme/api --username me --password env:GITHUB_TOKEN
   */
  @func({ cache: "never" })
  async publish(
    /** The repository (its pipeline file names the Go module inside it). */
    @argument({ defaultPath: "/", ignore: REPOSITORY_IGNORE }) source: Directory,
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
    @argument({ defaultPath: "/", ignore: REPOSITORY_IGNORE }) source: Directory,
    /** SBOM format. Default: the pipeline's (spdx-json). */
    format?: SbomFormat,
    /** Platform of the image to describe. Default: the engine's platform. */
    platform?: Platform,
  ): Promise<File> {
    return this.image(source).sbom(format, platform);
  }

  /**
   * One environment of the pipeline file and how to reach its cluster, configured once; continue with
   * deploy, promote, abort, status, manifests, policy or analyze. Cached per session: it holds the kubeconfig
   * secret and the cluster service, which belong to the session that was given them.
   * Example: dagger call environment --name staging --kubeconfig file:$HOME/.kube/config deploy markdown
   */
  @func({ cache: "session" })
  environment(
    /** The repository (its pipeline file describes the environment). */
    @argument({ defaultPath: "/", ignore: REPOSITORY_IGNORE }) source: Directory,
    /** The environment, as named under environments: in the pipeline file. Default: its only one. */
    name = "",
    /** The cluster's kubeconfig. Default: the reference the environment's deploy stage names. */
    kubeconfig?: Secret,
    /** The API server as a service, when the kubeconfig points at this machine's loopback (kind, k3d): tcp://localhost:6443. */
    cluster?: Service,
    /** kubectl image; any image with kubectl on PATH. Default: registry.k8s.io/kubectl at the version Gantry's tests run. */
    kubectlImage = "",
  ): Environment {
    return new Environment(this.settings, source, name, new ClusterAccess(kubeconfig, cluster, kubectlImage));
  }

  /**
   * The whole pipeline on a cluster of its own, with nothing to set up: a k3s server, an OCI registry
   * and Prometheus start as Dagger services; the pipeline's chain up to publish pushes there, then the
   * pipeline file's first environment is rolled out as the stable version and again as a canary under
   * traffic, measured and promoted or rolled back. Never touches a cluster a kubeconfig names. Never cached.
   * Example: dagger call demo markdown
   */
  @func({ cache: "never" })
  async demo(
    /** The repository (its pipeline file describes the service and its environment). */
    @argument({ defaultPath: "/", ignore: REPOSITORY_IGNORE }) source: Directory,
    /** The canary answers half of its requests with HTTP 500 (hello-api's ERROR_RATE), so the analysis rolls it back. */
    badCanary = false,
    /** The Kubernetes (k3s) image, e.g. a copy in a registry an air-gapped network reaches. Default: rancher/k3s:v1.36.4-k3s1. */
    kubernetesImage = "",
    /** The registry image. Default: registry:3.0.0. */
    registryImage = "",
    /** The Prometheus image (busybox-based: it also sends the traffic). Default: prom/prometheus:v3.16.0. */
    prometheusImage = "",
  ): Promise<Rollout> {
    const { embeddedDeploy } = await import("#dagger/embedded.js");
    const { pieceImages } = await import("#core/embedded/pieces.js");
    const { demoEnvironmentName } = await import("#core/embedded/demo-environment.js");
    const ctx = await stageContext(callInput(this.settings, source));
    const images = pieceImages({ k3s: kubernetesImage, registry: registryImage, prometheus: prometheusImage });
    return rolloutObject(await embeddedDeploy(ctx, source, demoEnvironmentName(ctx.pipeline), { images, badCanary, image: "", approve: [] }));
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
    @argument({ defaultPath: "/", ignore: REPOSITORY_IGNORE }) source: Directory,
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
    const ctx = await stageContext(callInput(this.settings, source));
    const report = await runPipeline(ctx, {
      source,
      selection: stage ? { stage } : environment ? { environment } : {},
      approve,
      cluster: { kubeconfig, cluster },
    });
    return new PipelineRun(report.status, stageLines(report), runSummaryMarkdown(report));
  }

  /**
   * The CI files for the pipeline file, generated so that a pipeline is written once: a GitHub
   * Actions workflow, a GitLab CI file and a declarative Jenkinsfile. Example: dagger call ci-files export --path .
   */
  @func()
  async ciFiles(
    /** The repository (its pipeline file names the Go module inside it). */
    @argument({ defaultPath: "/", ignore: REPOSITORY_IGNORE }) source: Directory,
    /** The Gantry module the files call, e.g. github.com/acme/gantry@v0.2.0. Default: the repository itself is the module. */
    module = "",
    /** The Dagger engine version the CI installs. Default: the engineVersion this module declares. */
    engineVersion = "",
  ): Promise<Directory> {
    const { readPipeline } = await import("#dagger/context.js");
    const { ciFiles } = await import("#core/pipeline/ci/files.js");
    const declared =
      engineVersion || (JSON.parse(await dag.currentModule().source().file("dagger.json").contents()) as { engineVersion: string }).engineVersion;
    const files = ciFiles(await readPipeline(source, this.settings.config), {
      config: this.settings.config,
      engineVersion: declared,
      module: module || undefined,
    });
    const { reportDirectory } = await import("#dagger/report-directory.js");
    return reportDirectory(files);
  }

  /** The equivalent multi-stage Dockerfile, generated from the same plans. Example: dagger call dockerfile export --path Dockerfile */
  @func()
  async dockerfile(
    /** The repository (its pipeline file names the Go module inside it). */
    @argument({ defaultPath: "/", ignore: REPOSITORY_IGNORE }) source: Directory,
  ): Promise<File> {
    const { planBinaries } = await import("#dagger/go-build.js");
    const { renderServiceDockerfile } = await import("#core/image/service-dockerfile.js");
    const { linuxPlatforms } = await import("#core/image/platforms.js");
    const ctx = await stageContext(callInput(this.settings, source));
    const platforms = linuxPlatforms(ctx.pipeline.go.platforms);
    const plan = await planBinaries(ctx, platforms);
    return dag.file(
      "Dockerfile",
      renderServiceDockerfile({ ...ctx.pipeline.image, name: plan.name }, ctx.release, plan, ctx.pipeline.go.buildTags, ctx.toolchain.image, platforms),
    );
  }
}
