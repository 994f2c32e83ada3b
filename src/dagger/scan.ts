import { dag, ReturnType, type CacheVolume, type Container, type Directory, type File } from "@dagger.io/dagger";

import { GantryError } from "../core/errors.js";
import { chooseScanTarget, ignoreFilePath, scanPolicy, type ScanTargetKind } from "../core/scan/policy.js";
import { interpretExit, nextScanStep, type TrivyOutcome } from "../core/scan/trivy-exit.js";
import { planTrivyScan, type ScanTarget, type TrivyInvocation } from "../core/scan/trivy-plan.js";
import { serviceImages } from "./image.js";
import { ScanReport } from "./scan-report.js";
import type { Gantry } from "../index.js";

export interface ScanRequest {
  imageRef: string;
  directory?: Directory;
  platform: string;
  severities: string;
  ignoreUnfixed: boolean;
  maxCounts: string[];
  allowList?: File;
  ignoreFile?: File;
  dbRepositories: string[];
  javaDbRepositories: string[];
  timeout: string;
  trivyImage: string;
  trivyCache?: CacheVolume;
  failOpen: boolean;
}

const WORK = "/gantry/scan";
const TARGET_TARBALL = `${WORK}/image.tar`;
const TARGET_DIR = `${WORK}/source`;

/**
 * Runs Trivy step by step as the core decides (next mirror after a DB download failure, fail
 * closed unless told otherwise) and returns the report with the gate settings it will be judged by.
 */
export async function runScan(s: Gantry, req: ScanRequest): Promise<ScanReport> {
  const scannedAt = new Date().toISOString();
  const allowList = req.allowList ? { name: await req.allowList.name(), text: await req.allowList.contents() } : undefined;
  scanPolicy({ severities: req.severities, ignoreUnfixed: req.ignoreUnfixed, maxCounts: req.maxCounts, allowList, now: scannedAt });
  const kind = chooseScanTarget({ imageRef: req.imageRef, hasDirectory: req.directory !== undefined });
  const ignorePath = req.ignoreFile ? ignoreFilePath(await req.ignoreFile.name(), WORK) : undefined;
  const plan = planTrivyScan({
    target: scanTarget(kind, req.imageRef),
    outputPath: `${WORK}/trivy.json`,
    cacheDir: "/gantry/trivy-cache",
    workdir: `${WORK}/work`,
    dbRepository: req.dbRepositories.length > 0 ? req.dbRepositories : undefined,
    javaDbRepository: req.javaDbRepositories.length > 0 ? req.javaDbRepositories : undefined,
    timeout: req.timeout,
    ignoreFile: ignorePath,
    cacheBuster: scannedAt,
    failOpen: req.failOpen,
  });

  let base = dag.container().from(req.trivyImage).withMountedCache(plan.cacheDir, req.trivyCache ?? dag.cacheVolume("gantry-trivy-db"));
  if (kind === "image-archive") base = base.withMountedFile(TARGET_TARBALL, await gantryImageTarball(s, req.platform));
  if (kind === "fs") base = base.withMountedDirectory(TARGET_DIR, req.directory!);
  if (req.ignoreFile && ignorePath) base = base.withMountedFile(ignorePath, req.ignoreFile);

  const outcomes: TrivyOutcome[] = [];
  let ran: Container | undefined;
  for (;;) {
    const step = nextScanStep(plan, outcomes);
    if (step.kind === "fail") throw new GantryError(step.message);
    if (step.kind === "not-scanned") return ScanReport.of({ notScanned: step.reason, ...reportState(req, allowList, scannedAt, kind) });
    if (step.kind === "read-report") return ScanReport.of({ json: ran!.file(step.outputPath), ...reportState(req, allowList, scannedAt, kind) });
    ran = trivyRun(base, step.invocation);
    outcomes.push(interpretExit(await ran.exitCode(), await ran.stderr(), step.invocation));
  }
}

function trivyRun(base: Container, run: TrivyInvocation): Container {
  const ctr = Object.entries(run.env).reduce((c, [k, v]) => c.withEnvVariable(k, v), base);
  return ctr.withWorkdir(run.workdir).withExec(run.argv, { expect: ReturnType.Any });
}

function scanTarget(kind: ScanTargetKind, imageRef: string): ScanTarget {
  if (kind === "image") return { kind: "image", ref: imageRef };
  if (kind === "fs") return { kind: "fs", dir: TARGET_DIR };
  return { kind: "image-archive", path: TARGET_TARBALL };
}

/** The image Gantry builds, for one platform: what ships is what gets scanned. */
async function gantryImageTarball(s: Gantry, platform: string): Promise<File> {
  const { variants } = await serviceImages(s, [platform || (await dag.defaultPlatform())]);
  return variants[0]!.asTarball();
}

function reportState(req: ScanRequest, allowList: { name: string; text: string } | undefined, scannedAt: string, kind: string) {
  return {
    severities: req.severities,
    ignoreUnfixed: req.ignoreUnfixed,
    maxCounts: req.maxCounts,
    allowListName: allowList?.name ?? "",
    allowListText: allowList?.text ?? "",
    scannedAt,
    finishedAt: new Date().toISOString(),
    imageName: kind === "image" ? req.imageRef : "",
  };
}
