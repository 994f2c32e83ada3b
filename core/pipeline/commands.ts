// Every `dagger call` command line that generated CI files (and documentation) run, in one place:
// when the module's CLI changes, this file is the only one to edit. Values are shell words; a
// caller passes shell expressions such as "$GITHUB_REF" for what the CI system knows at run time.
import type { Stage } from "./graph.js";

export interface CallTarget {
  /** A remote module (github.com/acme/gantry@v0.2.0); absent when the repository is the module. */
  module?: string;
  /** The pipeline file, relative to the repository root. */
  config: string;
  /** A shell expression giving the git ref, e.g. "$GITHUB_REF". */
  ref: string;
}

/** Where each stage's files land in the workspace, for artifacts, reports and summaries. */
export const REPORT_PATHS = {
  test: "reports/test",
  scan: "reports/scan",
  dist: "dist",
  /** publish's printed references, one repo:tag@sha256:... per line. */
  published: "reports/publish/published.txt",
} as const;

/** Files inside the report directories that CI systems read. */
export const REPORT_FILES = {
  junit: `${REPORT_PATHS.test}/junit.xml`,
  testSummary: `${REPORT_PATHS.test}/summary.md`,
  sarif: `${REPORT_PATHS.scan}/trivy.sarif`,
  gitlabScan: `${REPORT_PATHS.scan}/gl-container-scanning-report.json`,
  scanJunit: `${REPORT_PATHS.scan}/trivy-junit.xml`,
  scanSummary: `${REPORT_PATHS.scan}/summary.md`,
} as const;

export function daggerCall(target: CallTarget, call: string): string {
  const module = target.module ? ` -m ${target.module}` : "";
  return `dagger${module} call --config ${target.config} --ref "${target.ref}" ${call}`;
}

export interface StageCommandOptions {
  /** The name scan reports show for the image, a shell word. */
  imageName: string;
  /** Registry password, as a secret reference (env:GITHUB_TOKEN). */
  password?: string;
  /** Registry user name, a shell word. */
  username?: string;
  /** A shell expression holding the pushed reference (repo@sha256:...) a deploy stage rolls out. */
  image?: string;
}

/**
 * The commands of one stage. `reports` write files and do not fail on a bad verdict; `check`
 * fails the job when the stage failed (failed tests, a failed scan gate), so CI systems can
 * publish the reports first and still stop.
 */
export interface StageCommands {
  reports: string[];
  check: string[];
}

export function stageCommands(stage: Stage, target: CallTarget, options: StageCommandOptions): StageCommands {
  const call = (c: string) => daggerCall(target, c);
  switch (stage.kind) {
    case "test":
      return { reports: [call(`test --source . reports export --path ${REPORT_PATHS.test}`)], check: [call("test --source . check")] };
    case "build":
      return { reports: [], check: [call(`build --source . export --path ${REPORT_PATHS.dist}`)] };
    case "image":
      // Builds the multi-platform image and prints its digest (Image.digest).
      return { reports: [], check: [call("image --source . digest")] };
    case "scan":
      return {
        reports: [call(`scan --source . reports --image-name ${options.imageName} export --path ${REPORT_PATHS.scan}`)],
        check: [call("scan --source . check")],
      };
    case "publish": {
      const user = options.username ? ` --username ${options.username}` : "";
      const password = options.password ? ` --password ${options.password}` : "";
      return { reports: [], check: [`mkdir -p ${dirname(REPORT_PATHS.published)}`, `${call(`publish --source .${user}${password}`)} | tee ${REPORT_PATHS.published}`] };
    }
    case "deploy": {
      const kubeconfig = stage.kubeconfig ? ` --kubeconfig ${stage.kubeconfig}` : "";
      const image = options.image ? ` --image "${options.image}"` : "";
      return { reports: [], check: [call(`deploy --source . --environment ${stage.environment}${image}${kubeconfig}`)] };
    }
  }
}

/** Shell lines setting `variable` to the digest reference (repo@sha256:...) of publish's first printed line. */
export function pushedImageShell(variable: string): string[] {
  return [`ref="$(head -n 1 ${REPORT_PATHS.published})"`, 'tagged="${ref%@*}"', `${variable}="\${tagged%:*}@\${ref##*@}"`];
}

function dirname(path: string): string {
  return path.slice(0, path.lastIndexOf("/"));
}
