import { dag, func, object, type Container, type Directory, type File, type Platform, type Secret, type Service } from "@dagger.io/dagger";

import { callInput, stageContext } from "./call.js";
import { SbomFormat, Severity } from "./enums.js";
import type { ImageConfig } from "#core/pipeline/schema.js";
import { ScanReport } from "./scan-report.js";
import type { Settings } from "./settings.js";

/** How an Image was asked for: its platforms and base. */
@object()
export class ImageOptions {
  /** Platforms of the image; empty means the pipeline's Linux platforms. */
  @func()
  platforms: string[];
  /** Runtime base (a BaseKind value); empty means the pipeline's. */
  @func()
  base: string;
  /** The custom base's reference, or a mirror of the distroless or alpine image; empty means the pipeline's. */
  @func()
  baseImage: string;

  // Only API types may appear in an @object constructor (they become part of the module's API).
  constructor(platforms: string[], base: string, baseImage: string) {
    this.platforms = platforms;
    this.base = base;
    this.baseImage = baseImage;
  }
}

/**
 * The service's runtime image for one or more platforms, built from a repository: run it as a
 * Container, export it, describe it, scan it or publish it.
 */
@object()
export class Image {
  /** The module's settings (pipeline file, release overrides), shared with the Gantry object that made this image. */
  settings: Settings;
  source: Directory;
  /** How the image was asked for. */
  @func()
  options: ImageOptions;

  // Only API types may appear in an @object constructor (they become part of the module's API).
  constructor(settings: Settings, source: Directory, options: ImageOptions) {
    this.settings = settings;
    this.source = source;
    this.options = options;
  }

  /** The image for one platform as a Container, to run or inspect. Example: dagger call image container with-exec --use-entrypoint --args=--version stdout */
  @func()
  async container(
    /** Platform of the container. Default: the engine's platform. */
    platform?: Platform,
  ): Promise<Container> {
    const { serviceImages } = await import("#dagger/image.js");
    const { variants } = await serviceImages(await this.context(), [platform ?? (await dag.defaultPlatform())]);
    return variants[0]!;
  }

  /**
   * The multi-platform image as it ships: an OCI image layout that Gantry assembles byte for byte, so
   * one commit always gives one digest. Example: dagger call image layout export --path oci
   */
  @func()
  async layout(): Promise<Directory> {
    const { serviceLayout } = await import("#dagger/image.js");
    const ctx = await this.context();
    return (await serviceLayout(ctx, await this.imagePlatforms(ctx.pipeline.go.platforms))).directory;
  }

  /** The image index's digest (sha256:...), the same for every build of one commit. Example: dagger call image digest */
  @func()
  async digest(): Promise<string> {
    const { serviceLayout } = await import("#dagger/image.js");
    const ctx = await this.context();
    return (await serviceLayout(ctx, await this.imagePlatforms(ctx.pipeline.go.platforms))).digest;
  }

  /** The OCI layout as one reproducible tar archive, for air-gapped transfer or docker load (Docker 25 or later reads OCI layouts). Example: dagger call image tarball export --path image.tar */
  @func()
  async tarball(): Promise<File> {
    const { serviceLayout, layoutTarball } = await import("#dagger/image.js");
    const ctx = await this.context();
    return layoutTarball(await serviceLayout(ctx, await this.imagePlatforms(ctx.pipeline.go.platforms)), ctx.toolchain.image);
  }

  /** A software bill of materials of the image for one platform, made by syft. Example: dagger call image sbom export --path sbom.json */
  @func()
  async sbom(
    /** SBOM format. Default: the pipeline's (spdx-json). */
    format?: SbomFormat,
    /** Platform of the image to describe. Default: the engine's platform. */
    platform?: Platform,
  ): Promise<File> {
    const { imageSbom } = await import("#dagger/sbom.js");
    const ctx = await this.context();
    return imageSbom(await this.container(platform), format ?? ctx.pipeline.image.sbomFormat, ctx.pipeline.name);
  }

  /**
   * Scan the image for one platform with Trivy and judge the findings by the gate. Cached for 10
   * minutes so reports and the check of one job read the same scan.
   * Example: dagger call image scan --image-name ghcr.io/acme/api:1.2.3 reports export --path reports/scan
   */
  @func({ cache: "10m" })
  async scan(
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
    const { runScan, scanFiles } = await import("#dagger/scan.js");
    const ctx = await this.context({ scan: { severities, ignoreUnfixed, failOpen } });
    const tarball = (await this.container(platform)).asTarball();
    const state = await runScan({ kind: "image-archive", tarball }, ctx.pipeline.scan, scanFiles(this.source, ctx.pipeline.scan));
    return ScanReport.of({ ...state, imageName: imageName || state.imageName }, sarifCategory);
  }

  /**
   * Push the multi-platform image under its computed tags; returns repo:tag@sha256:... for each.
   * Never cached: every call pushes. Example: dagger call image publish --repository ghcr.io/acme/api --password env:GITHUB_TOKEN
   */
  @func({ cache: "never" })
  async publish(
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
    /** cosign private key to sign the pushed digest with. Default: the pipeline's publish.cosignKey. */
    cosignKey?: Secret,
    /** Password of the cosign key. */
    cosignPassword?: Secret,
    /** A registry running as a Dagger service, reached at the host of --repository and pushed to over plain HTTP (tests, demos). */
    registry?: Service,
  ): Promise<string[]> {
    const { publishImage } = await import("#dagger/publish.js");
    const ctx = await this.context({ publish: { repository, tags, username } }, releasedVersions);
    return (await publishImage(ctx, await this.imagePlatforms(ctx.pipeline.go.platforms), { password, cosignKey, cosignPassword, registry })).refs;
  }

  private async imagePlatforms(pipelinePlatforms: string[]): Promise<string[]> {
    const { linuxPlatforms } = await import("#core/image/platforms.js");
    return this.options.platforms.length > 0 ? this.options.platforms : linuxPlatforms(pipelinePlatforms);
  }

  private async context(overrides: Parameters<typeof callInput>[2] = {}, releasedVersions?: string[]) {
    // base holds a BaseKind value; the override is checked again by the pipeline schema.
    const image = { base: (this.options.base || undefined) as ImageConfig["base"] | undefined, baseImage: this.options.baseImage || undefined };
    return stageContext(callInput(this.settings, this.source, { ...overrides, image: { ...image, ...overrides.image } }, releasedVersions));
  }
}
