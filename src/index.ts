/**
 * Gantry: CI/CD for Go services on Kubernetes. Test, build, package, scan, publish and roll out a
 * Go service with one module, the same way on a laptop, in GitHub Actions and in GitLab CI.
 */
import { argument, dag, func, object, type CacheVolume, type Container, type Directory, type File, type Secret } from "@dagger.io/dagger";

import { DEFAULT_BASE, NONROOT_UID } from "./core/image/bases.js";
import { DEFAULT_SBOM_FORMAT } from "./core/image/sbom.js";
import { TRIVY_IMAGE } from "./core/scan/trivy-plan.js";
import { renderServiceDockerfile } from "./core/image/service-dockerfile.js";
import { buildBinaries, planBinaries } from "./dagger/go-build.js";
import { runTests } from "./dagger/go-test.js";
import { goImage } from "./dagger/go-toolchain.js";
import { serviceImages } from "./dagger/image.js";
import { publishImage } from "./dagger/publish.js";
import { runScan } from "./dagger/scan.js";
import type { ScanReport } from "./dagger/scan-report.js";
import { imageSbom } from "./dagger/sbom.js";
import type { TestReport } from "./dagger/test-report.js";

const DEFAULT_IMAGE_PLATFORMS = ["linux/amd64", "linux/arm64"];

/**
 * A Go service's pipeline, configured once: the source, the Go toolchain, the release being made and
 * the image's shape. Every function (build, test, image, scan, publish) uses the same settings.
 */
@object()
export class Gantry {
  source: Directory;
  pkg: string;
  name: string;
  goVersion: string;
  goImage: string;
  moduleCache?: CacheVolume;
  buildCache?: CacheVolume;
  noCache: boolean;
  cgo?: boolean;
  goprivate: string;
  netrc?: Secret;
  buildTags: string[];
  ldflags: string[];
  values: string[];
  stampPackage: string;
  version: string;
  ref: string;
  commit: string;
  sourceDateEpoch: number;
  sourceUrl: string;
  base: string;
  port: number;
  user: number;
  labels: string[];

  constructor(
    /** The Go module: a directory with go.mod at its root. Defaults to the repository you call Gantry from. */
    @argument({ defaultPath: "/", ignore: [".git", "**/node_modules", ".dagger", "dist", "bin", "tmp"] })
    source: Directory,
    /** The service's main package, relative to the module root, e.g. ./cmd/api. */
    pkg = ".",
    /** Binary and image title. Default: the main package's directory, or the module's last path element. */
    name = "",
    /** Go version to build with, e.g. 1.26 or 1.26.3. Default: go.mod's toolchain line, else the newest patch of its go line. */
    goVersion = "",
    /** Go toolchain image, for mirrors and air-gapped registries. Default: golang:<go version>. */
    goImage = "",
    /** Cache volume for downloaded modules (GOMODCACHE). Default: the volume gantry-go-mod. */
    moduleCache?: CacheVolume,
    /** Cache volume for compiled packages (GOCACHE). Default: the volume gantry-go-build. */
    buildCache?: CacheVolume,
    /** Mount no Go caches: every run starts from nothing. */
    noCache = false,
    /** Enable cgo. Default: off (static binaries), on only when the race detector needs it. */
    cgo?: boolean,
    /** Private module globs fetched directly, not through the proxy (GOPRIVATE), e.g. github.com/acme/*. */
    goprivate = "",
    /** A .netrc with credentials for private module hosts. */
    netrc?: Secret,
    /** Go build tags for every build and test. */
    buildTags: string[] = [],
    /** Extra linker flags, appended after -s -w and the stamps. */
    ldflags: string[] = [],
    /** Extra -X stamps, as importpath.name=value. */
    values: string[] = [],
    /** Package whose version, commit and date variables are stamped with -X. */
    stampPackage = "main",
    /** Release version (1.2.3). Default: the version a release tag --ref names. */
    version = "",
    /** Git ref being built (refs/tags/v1.2.3, refs/heads/main, refs/pull/12/merge): decides version and tags. */
    ref = "",
    /** Commit SHA being built: stamped, labelled and tagged sha-<7>. */
    commit = "",
    /** Commit time in Unix seconds (git log -1 --format=%ct): the build date and every image timestamp. */
    sourceDateEpoch = 0,
    /** Repository URL for the image's org.opencontainers.image.source label. */
    sourceUrl = "",
    /** Runtime base: distroless (static, nonroot), scratch, alpine, or any image reference. */
    base = DEFAULT_BASE,
    /** Port the service listens on, exposed by the image. */
    port = 8080,
    /** Numeric uid the image runs as; never 0. */
    user = NONROOT_UID,
    /** Extra image labels, as key=value. */
    labels: string[] = [],
  ) {
    this.source = source;
    this.pkg = pkg;
    this.name = name;
    this.goVersion = goVersion;
    this.goImage = goImage;
    this.moduleCache = moduleCache;
    this.buildCache = buildCache;
    this.noCache = noCache;
    this.cgo = cgo;
    this.goprivate = goprivate;
    this.netrc = netrc;
    this.buildTags = buildTags;
    this.ldflags = ldflags;
    this.values = values;
    this.stampPackage = stampPackage;
    this.version = version;
    this.ref = ref;
    this.commit = commit;
    this.sourceDateEpoch = sourceDateEpoch;
    this.sourceUrl = sourceUrl;
    this.base = base;
    this.port = port;
    this.user = user;
    this.labels = labels;
  }

  /** Cross-compile static binaries, one per platform, named <name>_<os>_<arch>. */
  @func()
  async build(
    /** Target platforms, e.g. linux/amd64,linux/arm64,linux/arm/v7. Default: the engine's platform. */
    platforms: string[] = [],
  ): Promise<Directory> {
    return (await buildBinaries(this, platforms)).dist;
  }

  /**
   * Run go test and return its report; the call succeeds even when tests fail (see TestReport.check).
   * Cached per session: the report holds engine files, which a later session cannot resolve.
   */
  @func({ cache: "session" })
  async test(
    /** Package patterns to test. */
    packages: string[] = ["./..."],
    /** Run only tests matching this regular expression (-run). */
    run = "",
    /** Skip tests matching this regular expression (-skip). */
    skip = "",
    /** Enable the race detector (turns cgo on). */
    race = false,
    /** Measure statement coverage. */
    cover = true,
    /** Packages to measure coverage for (-coverpkg), e.g. ./... */
    coverpkg = "",
    /** Run each test this many times (-count). */
    count = 1,
    /** Fail a test binary that runs longer than this Go duration (-timeout). */
    timeout = "10m",
    /** Randomise test order: on, off or a seed (-shuffle). */
    shuffle = "",
    /** Tell long-running tests to shorten (-short). */
    short = false,
    /** Stop after the first failing test (-failfast). */
    failfast = false,
  ): Promise<TestReport> {
    return runTests(this, { packages, run, skip, race, cover, coverpkg, count, timeout, shuffle, short, failfast });
  }

  /** The service's runtime image for one platform: the binary on the base, non-root, labelled, reproducible. */
  @func()
  async image(
    /** Platform of the image, e.g. linux/arm64. Default: the engine's platform. */
    platform = "",
  ): Promise<Container> {
    const { variants } = await serviceImages(this, [platform || (await dag.defaultPlatform())]);
    return variants[0]!;
  }

  /** A multi-platform OCI image tarball of the service, for scanners, air-gapped transfer or docker load. */
  @func()
  async tarball(
    /** Platforms in the image index. */
    platforms: string[] = DEFAULT_IMAGE_PLATFORMS,
  ): Promise<File> {
    const { variants } = await serviceImages(this, platforms);
    return dag.container().asTarball({ platformVariants: variants });
  }

  /** A software bill of materials of the image, made with syft. */
  @func()
  async sbom(
    /** spdx-json or cyclonedx-json. */
    format: string = DEFAULT_SBOM_FORMAT,
    /** Platform of the image to describe. Default: the engine's platform. */
    platform = "",
  ): Promise<File> {
    return imageSbom(await this.image(platform), format, this.name || undefined);
  }

  /** Scan with Trivy (the image Gantry builds, a published image or a directory) and judge the findings by the gate. */
  @func({ cache: "never" })
  async scan(
    /** Scan this published image (e.g. ghcr.io/acme/api:1.2.3) instead of the one Gantry builds. */
    imageRef = "",
    /** Scan this directory (go.mod, lock files, binaries) instead of an image. */
    directory?: Directory,
    /** Platform of the Gantry-built image to scan. Default: the engine's platform. */
    platform = "",
    /** Severities that fail the gate, comma-separated. */
    severities = "HIGH,CRITICAL",
    /** Let findings without a released fix pass the gate. */
    ignoreUnfixed = false,
    /** Tolerated counts per severity, as SEVERITY=n (e.g. HIGH=3); the gate fails above them. */
    maxCounts: string[] = [],
    /** Accepted vulnerabilities: a YAML list of {id, until: YYYY-MM-DD, reason, package}. Expired entries fail. */
    allowList?: File,
    /** A .trivyignore or .trivyignore.yaml that Trivy applies before reporting. */
    ignoreFile?: File,
    /** Vulnerability DB repositories, tried in order (mirrors for air-gapped networks and rate limits). Default: Trivy's. */
    dbRepositories: string[] = [],
    /** Java DB repositories, tried in order. Default: Trivy's. */
    javaDbRepositories: string[] = [],
    /** How long Trivy may run, as a Go duration. */
    timeout = "10m",
    /** Trivy image, pinned by tag; point it at a mirror if needed. */
    trivyImage = TRIVY_IMAGE,
    /** Cache volume for Trivy's vulnerability DB. Default: the volume gantry-trivy-db. */
    trivyCache?: CacheVolume,
    /** Pass with a "not scanned" verdict when no DB mirror can be reached, instead of failing closed. */
    failOpen = false,
  ): Promise<ScanReport> {
    return runScan(this, { imageRef, directory, platform, severities, ignoreUnfixed, maxCounts, allowList, ignoreFile, dbRepositories, javaDbRepositories, timeout, trivyImage, trivyCache, failOpen });
  }

  /** Push the multi-platform image under its computed tags and return each tag's reference with the digest. */
  @func({ cache: "never" })
  async publish(
    /** Repository to push to, without tag: ghcr.io/acme/api, docker.io/acme/api, registry.gitlab.com/acme/api. */
    repository: string,
    /** Extra tags or templates ({{version}}, {{major}}, {{minor}}, {{sha}}, {{short_sha}}, {{branch}}, {{date}}). */
    tags: string[] = [],
    /** Versions already released (e.g. git tag -l 'v*'), so that latest, 1 and 1.2 only move forward. */
    releasedVersions: string[] = [],
    /** Platforms in the image index. */
    platforms: string[] = DEFAULT_IMAGE_PLATFORMS,
    /** Registry user name; with --registry-password. */
    registryUser = "",
    /** Registry password or token. */
    registryPassword?: Secret,
    /** cosign private key (or KMS URI as a secret) to sign the pushed digest with. */
    cosignKey?: Secret,
    /** Password of the cosign key. */
    cosignPassword?: Secret,
    /** Record the signature in the public Rekor transparency log. */
    tlogUpload = true,
    /** Attach an SPDX SBOM to the digest as a signed attestation (needs --cosign-key). */
    attachSbom = false,
  ): Promise<string[]> {
    return publishImage(this, { repository, tags, releasedVersions, platforms, registryUser, registryPassword, cosignKey, cosignPassword, tlogUpload, attachSbom });
  }

  /** The equivalent multi-stage Dockerfile, generated from the same plan, for teams that must keep one. */
  @func()
  async dockerfile(
    /** Platforms the Dockerfile is meant to be built for with docker buildx. */
    platforms: string[] = DEFAULT_IMAGE_PLATFORMS,
  ): Promise<File> {
    const { plan, mod } = await planBinaries(this, platforms);
    return dag.file("Dockerfile", renderServiceDockerfile(this, plan, goImage(this, mod), platforms));
  }
}
