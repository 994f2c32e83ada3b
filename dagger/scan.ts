import { dag, ReturnType, type Container, type Directory, type File } from "@dagger.io/dagger";

import { GantryError } from "../core/errors.js";
import { applyOverrides } from "../core/pipeline/overrides.js";
import { scanPolicyArguments } from "../core/pipeline/scan-settings.js";
import type { ScanConfig } from "../core/pipeline/schema.js";
import { ignoreFilePath, scanPolicy } from "../core/scan/policy.js";
import { interpretExit, nextScanStep, type TrivyOutcome } from "../core/scan/trivy-exit.js";
import type { ScanState } from "../core/scan/scan-state.js";
import { planTrivyScan, type ScanTarget, type TrivyInvocation } from "../core/scan/trivy-plan.js";
import { toolAccess } from "../core/tool-access.js";
import { readPipeline } from "./context.js";
import { toolImageContainer, toolStep, withToolDirectory, withToolFile } from "./tool.js";

/** What Trivy looks at: the image Gantry built (as a tarball), a published reference, or a directory. */
export type ScanSubject = { kind: "image-archive"; tarball: File } | { kind: "image"; ref: string } | { kind: "fs"; directory: Directory };

/** The gate's inputs besides the pipeline's scan settings: files named there, read from the repository. */
export interface ScanFiles {
  allowList?: File;
  ignoreFile?: File;
}

const WORK = "/gantry/scan";
const TARGET_TARBALL = `${WORK}/image.tar`;
const TARGET_DIR = `${WORK}/source`;

/** Scans what is already published or on disk, judged by the gate of the repository's pipeline file. */
export async function scanSubject(subject: ScanSubject, source: Directory, config: string, overrides: Partial<ScanConfig>): Promise<ScanState> {
  const pipeline = applyOverrides(await readPipeline(source, config), { scan: overrides });
  return runScan(subject, pipeline.scan, scanFiles(source, pipeline.scan));
}

/** The allow-list and ignore file the pipeline names, from the repository. */
export function scanFiles(source: Directory, config: ScanConfig): ScanFiles {
  return {
    allowList: config.allowList ? source.file(config.allowList) : undefined,
    ignoreFile: config.ignoreFile ? source.file(config.ignoreFile) : undefined,
  };
}

/**
 * Runs Trivy step by step as the core decides (next mirror after a DB download failure, fail
 * closed unless told otherwise) and returns the report with the gate settings it will be judged by, as
 * plain data (the Dagger surface wraps it in its ScanReport object).
 */
export async function runScan(subject: ScanSubject, config: ScanConfig, files: ScanFiles): Promise<ScanState> {
  const scannedAt = new Date().toISOString();
  const allowList = files.allowList ? { name: await files.allowList.name(), text: await files.allowList.contents() } : undefined;
  const policy = scanPolicyArguments(config, allowList, scannedAt);
  scanPolicy(policy);
  const ignorePath = files.ignoreFile ? ignoreFilePath(await files.ignoreFile.name(), WORK) : undefined;
  const plan = planTrivyScan({
    target: scanTarget(subject),
    outputPath: `${WORK}/trivy.json`,
    cacheDir: "/gantry/trivy-cache",
    workdir: `${WORK}/work`,
    dbRepository: config.dbRepositories.length > 0 ? config.dbRepositories : undefined,
    javaDbRepository: config.javaDbRepositories.length > 0 ? config.javaDbRepositories : undefined,
    timeout: config.timeout,
    ignoreFile: ignorePath,
    cacheBuster: scannedAt,
    failOpen: config.failOpen,
  });

  let base = toolImageContainer("trivy", config.trivyImage).withMountedCache(plan.cacheDir, dag.cacheVolume(config.trivyCache), toolAccess("trivy").mount);
  if (subject.kind === "image-archive") base = withToolFile(base, "trivy", TARGET_TARBALL, subject.tarball);
  if (subject.kind === "fs") base = withToolDirectory(base, "trivy", TARGET_DIR, subject.directory);
  if (files.ignoreFile && ignorePath) base = withToolFile(base, "trivy", ignorePath, files.ignoreFile);

  const state = {
    severities: config.severities,
    ignoreUnfixed: config.ignoreUnfixed,
    maxCounts: policy.maxCounts,
    allowListName: allowList?.name ?? "",
    allowListText: allowList?.text ?? "",
    scannedAt,
    imageName: subject.kind === "image" ? subject.ref : "",
  };
  const outcomes: TrivyOutcome[] = [];
  let ran: Container | undefined;
  for (;;) {
    const step = nextScanStep(plan, outcomes);
    if (step.kind === "fail") throw new GantryError(step.message);
    if (step.kind === "not-scanned") return { ...state, notScanned: step.reason, finishedAt: new Date().toISOString() };
    if (step.kind === "read-report") return { ...state, trivyJson: await ran!.file(step.outputPath).contents(), finishedAt: new Date().toISOString() };
    ran = trivyRun(base, step.invocation);
    // Trivy's own exit is judged by the core; a failure of what it scans (the image's build) is reported as it is.
    outcomes.push(interpretExit(await toolStep("scan", ran.exitCode()), await ran.stderr(), step.invocation));
  }
}

function trivyRun(base: Container, run: TrivyInvocation): Container {
  const ctr = Object.entries(run.env).reduce((c, [k, v]) => c.withEnvVariable(k, v), base);
  return ctr.withWorkdir(run.workdir).withExec(run.argv, { expect: ReturnType.Any });
}

function scanTarget(subject: ScanSubject): ScanTarget {
  if (subject.kind === "image") return { kind: "image", ref: subject.ref };
  if (subject.kind === "fs") return { kind: "fs", dir: TARGET_DIR };
  return { kind: "image-archive", path: TARGET_TARBALL };
}
