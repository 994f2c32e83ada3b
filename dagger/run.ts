import { dag, type Directory, type Service } from "@dagger.io/dagger";
import { getTracer } from "@dagger.io/dagger/telemetry";

import { parseCoverProfile } from "../core/go/coverage.js";
import { parseTestJson } from "../core/go/test2json.js";
import { linuxPlatforms } from "../core/image/platforms.js";
import { stageGraph, type Selection, type Stage } from "../core/pipeline/graph.js";
import { runStages, type RunReport, type StageExecutor, type StageInputs, type StageResult } from "../core/pipeline/runner.js";
import { pinnedReference } from "../core/pipeline/outputs.js";
import { scanEvidence } from "../core/pipeline/policy-evidence.js";
import { deployResult, scanResult, testResult } from "../core/pipeline/stage-results.js";
import { judgeScan } from "../core/scan/scan-state.js";
import type { RolloutReport } from "../core/kube/report.js";
import type { StageContext } from "./context.js";
import { deploy, type ClusterArguments } from "./deploy.js";
import { buildBinaries } from "./go-build.js";
import { runTests } from "./go-test.js";
import { serviceImages, serviceLayout } from "./image.js";
import { publishImage } from "./publish.js";
import { runScan, scanFiles } from "./scan.js";
import { toolStep } from "./tool.js";

export interface RunRequest {
  source: Directory;
  selection: { stage?: string; environment?: string };
  approve: string[];
  /** Cluster access for every deploy stage; each stage's own kubeconfig reference otherwise. */
  cluster: ClusterArguments;
  /** A registry running as a Dagger service that publish stages push to (the embedded demo's). */
  registry?: Service;
  /** Run the selected stages on any ref (the embedded demo's throwaway registry and cluster). */
  ignoreConditions?: boolean;
  /** Told of each rollout a deploy stage walked. */
  onRollout?: (stage: Stage, report: RolloutReport) => void;
}

/**
 * Runs the pipeline's stages in this one process (one runtime call for the whole run), each stage
 * through the same adapters its own function uses, each as a named span in Dagger's progress.
 */
export async function runPipeline(ctx: StageContext, request: RunRequest): Promise<RunReport> {
  const graph = stageGraph(ctx.pipeline.stages);
  const imagePlatforms = linuxPlatforms(ctx.pipeline.go.platforms);
  const stages: Record<Stage["kind"], (stage: Stage, inputs: StageInputs) => Promise<StageResult>> = {
    async test() {
      const report = await runTests(ctx);
      const coverage = report.coverprofile ? parseCoverProfile(await report.coverprofile.contents(), "coverage.out").percent : undefined;
      return testResult(parseTestJson(await report.events.contents()), report.exitCode, coverage);
    },
    async build() {
      const { plan, dist } = await buildBinaries(ctx, ctx.pipeline.go.platforms);
      await toolStep("go build", dist.sync());
      return { status: "passed", output: { kind: "build", binaries: plan.steps.map((s) => s.output) } };
    },
    async image() {
      await serviceLayout(ctx, imagePlatforms);
      return { status: "passed", output: { kind: "image", platforms: imagePlatforms } };
    },
    async scan() {
      const native = await dag.defaultPlatform();
      const { variants } = await serviceImages(ctx, [imagePlatforms.includes(native) ? native : imagePlatforms[0]!]);
      const scanned = await runScan(
        { kind: "image-archive", tarball: variants[0]!.asTarball() },
        ctx.pipeline.scan,
        scanFiles(request.source, ctx.pipeline.scan),
      );
      return scanResult(judgeScan(scanned).verdict, scanned.scannedAt);
    },
    async publish() {
      return { status: "passed", output: { kind: "publish", image: await publishImage(ctx, imagePlatforms, { registry: request.registry }) } };
    },
    async deploy(stage, inputs) {
      if (!inputs.image) return { status: "failed", error: `stage ${stage.name}: no publish stage upstream pushed an image to roll out` };
      const image = pinnedReference(inputs.image);
      const report = await deploy(ctx, stage.environment!, image, request.cluster, {
        repository: request.source,
        ...scanEvidence(Object.values(inputs.upstream)),
      });
      request.onRollout?.(stage, report);
      return deployResult(stage.environment!, image, report);
    },
  };
  const execute: StageExecutor = (stage, inputs) => getTracer().startActiveSpan(`gantry stage ${stage.name}`, () => stages[stage.kind](stage, inputs));
  const { stage, environment } = request.selection;
  const selection: Selection = stage ? { stage } : environment ? { environment } : {};
  return runStages(graph, execute, { ref: ctx.release.ref, selection, approve: request.approve, ignoreConditions: request.ignoreConditions });
}
