// What each kind of stage hands on: the runner reads verdicts from it (a failing test or scan
// fails its stage whatever the executor said), deploy receives publish's digest, and the summary
// shows it. The Dagger side fills these from TestReport, ScanReport, publish and rollout results.
import type { GateVerdict } from "../scan/gate.js";
import type { Severity } from "../scan/severity.js";

export interface TestOutput {
  kind: "test";
  passed: number;
  failed: number;
  skipped: number;
  /** Statement coverage in percent, when measured. */
  coverage?: number;
}

export interface BuildOutput {
  kind: "build";
  /** Binaries built, e.g. hello-api_linux_amd64. */
  binaries: string[];
}

export interface ImageOutput {
  kind: "image";
  platforms: string[];
}

export interface ScanOutput {
  kind: "scan";
  verdict: GateVerdict["status"];
  /** Findings per severity. */
  counts: Partial<Record<Severity, number>>;
  /** Findings that fail the gate. */
  failing: number;
  /** RFC 3339: when Trivy ran (the policies judge the scan's age). */
  scannedAt?: string;
}

/** One pushed image: every tag names the same digest. */
export interface PushedImage {
  repository: string;
  digest: string;
  /** The references publish printed, repo:tag@sha256:... */
  refs: string[];
}

export interface PublishOutput {
  kind: "publish";
  image: PushedImage;
}

/** `repository@sha256:...`: what a rollout runs. */
export function pinnedReference(image: PushedImage): string {
  return `${image.repository}@${image.digest}`;
}

export interface RolloutMeasurement {
  name: string;
  value: number;
  /** The limit the value was held to, e.g. an error rate of 0.01. */
  limit?: number;
  passed: boolean;
}

export interface RolloutStep {
  /** What the step did, e.g. "canary 20%" or "promote". */
  name: string;
  status: "passed" | "failed" | "skipped";
  measurements?: RolloutMeasurement[];
}

export interface DeployOutput {
  kind: "deploy";
  environment: string;
  /** The reference rolled out, repo@sha256:... */
  image: string;
  steps: RolloutStep[];
  rolledBack?: boolean;
}

export type StageOutput = TestOutput | BuildOutput | ImageOutput | ScanOutput | PublishOutput | DeployOutput;

/** Why an output fails its stage, or undefined: failed tests, a failed scan gate, a failed rollout. */
export function outputFailure(output: StageOutput | undefined): string | undefined {
  if (output?.kind === "test" && output.failed > 0) return `${output.failed} test${output.failed === 1 ? "" : "s"} failed`;
  if (output?.kind === "scan" && output.verdict === "failed")
    return `the scan gate failed (${output.failing} failing finding${output.failing === 1 ? "" : "s"})`;
  if (output?.kind === "deploy" && (output.rolledBack || output.steps.some((s) => s.status === "failed"))) return "the rollout failed";
  return undefined;
}
