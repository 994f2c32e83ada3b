import { GantryError } from "../../errors.js";
import { DOCKER_CONFIG_FILE } from "../../image/oci/crane.js";
import type { ToolRun } from "../../image/tool-run.js";

/**
 * Helm v4: the image Gantry runs it from in a container (pinned by tag, as crane's and Trivy's are;
 * pass a mirror to override) and the version scripts/install-helm.sh builds for the host tests.
 */
export const HELM_VERSION = "v4.3.2";
export const HELM_IMAGE = `alpine/helm:${HELM_VERSION.slice(1)}`;

/**
 * Helm's own state (repository cache, plugins, OCI logins) in a directory of the run, never the
 * image's $HOME: the same argv then behaves alike as any uid, on a host and in a container. With a
 * login, helm reads the registry credentials from the docker config.json crane uses too.
 */
export function helmEnv(home: string, authenticated = false): Record<string, string> {
  return {
    HELM_CACHE_HOME: `${home}/cache`,
    HELM_CONFIG_HOME: `${home}/config`,
    HELM_DATA_HOME: `${home}/data`,
    ...(authenticated ? { HELM_REGISTRY_CONFIG: DOCKER_CONFIG_FILE } : {}),
  };
}

/** Where helm keeps its state in a container run. */
export const HELM_HOME = "/tmp/gantry-helm";

export interface HelmRunOptions {
  /** Directory for helm's state (helmEnv). Default HELM_HOME. */
  home?: string;
  authenticated?: boolean;
  /** Plain HTTP to an OCI registry (a Dagger service, a loopback registry in tests). */
  plainHttp?: boolean;
  image?: string;
}

function helm(args: string[], options: HelmRunOptions): ToolRun {
  return { tool: "helm", image: options.image ?? HELM_IMAGE, args, env: helmEnv(options.home ?? HELM_HOME, options.authenticated), secretEnv: [] };
}

const plain = (o: HelmRunOptions) => (o.plainHttp ? ["--plain-http"] : []);

/** What `helm template` renders: a chart (a directory, or oci://... with a version, or oci://...@sha256:...). */
export interface TemplateRequest {
  release: string;
  chart: string;
  namespace: string;
  /** --version of an OCI chart. */
  version?: string;
  /** Values files in order; later ones win (Gantry's image values come last). */
  valuesFiles: string[];
}

/** `helm template`: the chart's objects as YAML on stdout, rendered client-side (no cluster needed, nothing installed). */
export function planTemplate(request: TemplateRequest, options: HelmRunOptions = {}): ToolRun {
  return helm(
    [
      "template",
      request.release,
      request.chart,
      "--namespace",
      request.namespace,
      ...(request.version ? ["--version", request.version] : []),
      ...request.valuesFiles.flatMap((f) => ["--values", f]),
      ...plain(options),
    ],
    options,
  );
}

/** `helm lint --strict`: warnings fail too. */
export function planLint(chartDir: string, options: HelmRunOptions = {}): ToolRun {
  return helm(["lint", "--strict", chartDir], options);
}

/** `helm package` with the release's version as the chart's version and appVersion. */
export function planPackage(chartDir: string, destination: string, version: string, options: HelmRunOptions = {}): ToolRun {
  return helm(["package", chartDir, "--destination", destination, "--version", version, "--app-version", version], options);
}

/** `helm push <chart>.tgz oci://<registry>/<path>`: the chart lands at <path>/<chart name>:<version>. */
export function planPush(archive: string, remote: string, options: HelmRunOptions = {}): ToolRun {
  return helm(["push", archive, ociRemote(remote), ...plain(options)], options);
}

/** `helm pull` of one version of an OCI chart into `destination`. */
export function planPull(chart: string, version: string, destination: string, options: HelmRunOptions = {}): ToolRun {
  return helm(["pull", chart, "--version", version, "--destination", destination, ...plain(options)], options);
}

/** `helm show chart`: the Chart.yaml of one version of an OCI chart. */
export function planShowChart(chart: string, version: string, options: HelmRunOptions = {}): ToolRun {
  return helm(["show", "chart", chart, "--version", version, ...plain(options)], options);
}

const OCI = /^oci:\/\/[^\s/]+(\/[^\s]*)?$/;

/** An oci:// remote (registry and path, no tag): where charts are pushed. */
export function ociRemote(text: string, argument = "remote"): string {
  const remote = text.trim().replace(/\/+$/, "");
  if (!OCI.test(remote) || /[:@]/.test(remote.replace(/^oci:\/\/[^/]+/, ""))) {
    throw new GantryError(
      `${argument}: "${text}" is not an OCI chart remote; expected oci://<registry>/<path>, e.g. oci://ghcr.io/acme/charts (no tag: the chart's version is its tag)`,
    );
  }
  return remote;
}

/** The pushed chart's reference and digest, from what `helm push` printed (both streams: helm writes these to stderr). */
export function parsePushed(output: string): { ref: string; digest: string } {
  const ref = /^Pushed: (\S+)$/m.exec(output)?.[1];
  const digest = /^Digest: (sha256:[0-9a-f]{64})$/m.exec(output)?.[1];
  if (!ref || !digest) throw new GantryError(`helm push printed no pushed reference and digest: ${output.trim().slice(0, 300)}`);
  return { ref, digest };
}
