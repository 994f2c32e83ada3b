/**
 * Gantry: CI/CD for Go services on Kubernetes. Test, build, package, scan, publish and roll out a
 * Go service with one module, the same way on a laptop, in GitHub Actions and in GitLab CI.
 */
import { argument, func, object, type CacheVolume, type Directory, type Secret } from "@dagger.io/dagger";

import { buildBinaries } from "./dagger/go-build.js";
import { runTests } from "./dagger/go-test.js";
import type { GoToolchainConfig } from "./dagger/go-toolchain.js";
import type { TestReport } from "./dagger/test-report.js";

/**
 * A Go service's pipeline, configured once: the source and the Go toolchain it builds with. Every
 * function (build, test, image, scan, publish) uses the same settings.
 */
@object()
export class Gantry {
  source: Directory;
  goVersion: string;
  goImage: string;
  moduleCache?: CacheVolume;
  buildCache?: CacheVolume;
  noCache: boolean;
  cgo?: boolean;
  goprivate: string;
  netrc?: Secret;

  constructor(
    /** The Go module: a directory with go.mod at its root. Defaults to the repository you call Gantry from. */
    @argument({ defaultPath: "/", ignore: [".git", "**/node_modules", ".dagger", "dist", "bin", "tmp"] })
    source: Directory,
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
  ) {
    this.source = source;
    this.goVersion = goVersion;
    this.goImage = goImage;
    this.moduleCache = moduleCache;
    this.buildCache = buildCache;
    this.noCache = noCache;
    this.cgo = cgo;
    this.goprivate = goprivate;
    this.netrc = netrc;
  }

  /** Cross-compile static binaries, one per platform, named <name>_<os>_<arch>. */
  @func()
  async build(
    /** The main package to build, relative to the module root. */
    pkg = ".",
    /** Target platforms, e.g. linux/amd64,linux/arm64,linux/arm/v7. Default: the engine's platform. */
    platforms: string[] = [],
    /** Binary name. Default: the main package's directory, or the module's last path element. */
    name = "",
    /** Version stamped into <stamp-package>.version (e.g. 1.2.3). */
    version = "",
    /** Commit stamped into <stamp-package>.commit. */
    commit = "",
    /** Build date stamped into <stamp-package>.date; use the commit time for reproducible builds. */
    date = "",
    /** Package whose version, commit and date variables are stamped. */
    stampPackage = "main",
    /** Extra -X stamps, as importpath.name=value. */
    values: string[] = [],
    /** Extra linker flags, appended after -s -w and the stamps. */
    ldflags: string[] = [],
    /** Build tags. */
    tags: string[] = [],
  ): Promise<Directory> {
    const { dist } = await buildBinaries(this.toolchain(), { pkg, platforms, name, version, commit, date, stampPackage, values, ldflags, tags });
    return dist;
  }

  /** Run go test and return its report; the call succeeds even when tests fail (see TestReport.check). */
  @func()
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
    /** Build tags. */
    tags: string[] = [],
  ): Promise<TestReport> {
    return runTests(this.toolchain(), { packages, run, skip, race, cover, coverpkg, count, timeout, shuffle, short, failfast, tags });
  }

  private toolchain(): GoToolchainConfig {
    return {
      source: this.source,
      goVersion: this.goVersion,
      goImage: this.goImage,
      moduleCache: this.moduleCache,
      buildCache: this.buildCache,
      noCache: this.noCache,
      cgo: this.cgo,
      goprivate: this.goprivate,
      netrc: this.netrc,
    };
  }
}
