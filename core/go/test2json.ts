import { FileError } from "../errors.js";
import { BoundedText, BUILD_FAILED_LINE, countTotals, PackageRun, type PackageResult, type TestReport, type TestStatus } from "./test-report.js";

/** One line of `go test -json` (cmd/test2json); Go 1.24+ adds build-output / build-fail with ImportPath. */
export interface TestEvent {
  Time?: string;
  Action: string;
  Package?: string;
  Test?: string;
  /** Seconds. */
  Elapsed?: number;
  Output?: string;
  ImportPath?: string;
  /** On a package's fail event: the ImportPath whose build-fail caused it. */
  FailedBuild?: string;
}

/**
 * Reads `go test -json` output as it arrives. Chunks may split lines (and UTF-8 characters) anywhere.
 * Output is buffered per running test and dropped when the test passes, so memory follows the
 * failures and the number of tests, not the length of the stream.
 */
export class TestEventParser {
  private pending = "";
  private readonly decoder = new TextDecoder();
  private readonly running = new Map<string, PackageRun>();
  private readonly finished: PackageResult[] = [];
  private readonly stray = new BoundedText();
  private readonly straysByPackage = new Map<string, BoundedText>();
  /** Package named by the last `# pkg` header among the stray lines: the compiler errors below it are its own. */
  private strayContext?: string;
  private readonly strayBuildFailures = new Set<string>();
  private readonly buildOutput = new Map<string, BoundedText>();
  /** Packages that reported their final result; go test reports each once, so later lines change nothing. */
  private readonly reported = new Set<string>();
  private lineNumber = 0;
  private readonly failedBuilds = new Set<string>();
  private readonly claimedBuilds = new Set<string>();
  private firstTime = Infinity;
  private lastTime = -Infinity;

  /** `file` names the stream in errors. */
  constructor(private readonly file = "go test -json") {}

  write(chunk: string | Uint8Array): void {
    const text = typeof chunk === "string" ? chunk : this.decoder.decode(chunk, { stream: true });
    if (!text.includes("\n")) {
      this.pending += text;
      return;
    }
    const lines = (this.pending + text).split("\n");
    this.pending = lines.pop() ?? "";
    for (const line of lines) this.line(line);
  }

  /** Finishes the stream (call once); packages and tests that never reported a result count as failed. */
  end(): TestReport {
    this.write(this.decoder.decode() + "\n");
    for (const run of [...this.running.values()]) {
      run.packageOutput(`(the stream ended before ${run.importPath} reported a result)\n`);
      this.finish(run, { Action: "fail", Package: run.importPath });
    }
    this.addUnclaimedBuildFailures();
    const packages = this.finished;
    const longest = packages.reduce((max, p) => Math.max(max, p.elapsed), 0);
    const wall = this.lastTime > this.firstTime ? (this.lastTime - this.firstTime) / 1000 : 0;
    return { packages, totals: countTotals(packages), elapsed: Math.max(wall, longest), strayOutput: this.stray.toString() };
  }

  private line(raw: string): void {
    this.lineNumber++;
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    const event = line.startsWith("{") ? decodeEvent(line, this.file, this.lineNumber) : undefined;
    if (event) this.event(event);
    else if (line.trim() !== "") this.strayLine(line + "\n");
  }

  private event(ev: TestEvent): void {
    if (ev.Action === "build-output" || ev.Action === "build-fail") return this.buildEvent(ev);
    if (!ev.Package) {
      if (ev.Output) this.strayLine(ev.Output);
      return;
    }
    if (this.reported.has(ev.Package) && !this.running.has(ev.Package) && ev.Action !== "start") return;
    const run = this.runOf(ev.Package, ev.Time);
    if (ev.Test !== undefined) return run.testEvent(ev.Action, ev.Test, ev.Elapsed ?? 0, ev.Output ?? "");
    if (ev.Action === "output") run.packageOutput(ev.Output ?? "");
    else if (ev.Action === "pass" || ev.Action === "fail" || ev.Action === "skip") this.finish(run, ev);
  }

  private runOf(importPath: string, time: string | undefined): PackageRun {
    let run = this.running.get(importPath);
    if (!run) {
      run = new PackageRun(importPath);
      this.running.set(importPath, run);
      this.observeTime(time);
    }
    return run;
  }

  private finish(run: PackageRun, ev: TestEvent): void {
    this.running.delete(run.importPath);
    this.reported.add(run.importPath);
    this.observeTime(ev.Time);
    const status = ev.Action as TestStatus;
    if (ev.FailedBuild) this.claimedBuilds.add(ev.FailedBuild);
    const preamble = new BoundedText();
    if (ev.FailedBuild) preamble.append(this.buildOutput.get(ev.FailedBuild)?.toString() ?? "");
    if (status === "fail") preamble.append(this.straysByPackage.get(run.importPath)?.toString() ?? "");
    this.finished.push(run.finish(status, ev.Elapsed ?? 0, Boolean(ev.FailedBuild), preamble.toString()));
  }

  private buildEvent(ev: TestEvent): void {
    if (!ev.ImportPath) return;
    if (ev.Action === "build-fail") this.failedBuilds.add(ev.ImportPath);
    else {
      const kept = this.buildOutput.get(ev.ImportPath) ?? new BoundedText();
      kept.append(ev.Output ?? "");
      this.buildOutput.set(ev.ImportPath, kept);
    }
  }

  private strayLine(text: string): void {
    this.stray.append(text);
    const header = /^# (\S+)(?: \[(\S+)\])?/.exec(text);
    if (header) this.strayContext = packageOfBuild(header[1]!, header[2]);
    else if (text.startsWith("go: ")) this.strayContext = undefined;
    const buildFailed = BUILD_FAILED_LINE.exec(text);
    if (buildFailed) this.strayBuildFailures.add(buildFailed[1]!);
    else if (this.strayContext !== undefined) {
      const kept = this.straysByPackage.get(this.strayContext) ?? new BoundedText();
      kept.append(text);
      this.straysByPackage.set(this.strayContext, kept);
    }
  }

  /** A build failure that no package's fail event claimed (older Go printed it as plain text) still fails the run. */
  private addUnclaimedBuildFailures(): void {
    const reported = new Set(this.finished.map((p) => p.importPath));
    const unclaimed = new Map<string, string>();
    for (const importPath of this.failedBuilds) {
      if (!this.claimedBuilds.has(importPath)) unclaimed.set(packageOfBuild(importPath), this.buildOutput.get(importPath)?.toString() ?? "");
    }
    for (const importPath of this.strayBuildFailures) {
      if (!unclaimed.has(importPath)) unclaimed.set(importPath, this.straysByPackage.get(importPath)?.toString() ?? "");
    }
    for (const [importPath, output] of unclaimed) {
      if (reported.has(importPath)) continue;
      this.finished.push({ importPath, status: "fail", elapsed: 0, buildFailed: true, output, tests: [] });
    }
  }

  private observeTime(time: string | undefined): void {
    if (!time) return;
    const ms = Date.parse(time);
    if (Number.isNaN(ms)) return;
    this.firstTime = Math.min(this.firstTime, ms);
    this.lastTime = Math.max(this.lastTime, ms);
  }
}

/** Parses a whole `go test -json` output at once. */
export function parseTestJson(text: string): TestReport {
  const parser = new TestEventParser();
  parser.write(text);
  return parser.end();
}

const TEXT_FIELDS = ["Time", "Action", "Package", "Test", "Output", "ImportPath", "FailedBuild"] as const;

/**
 * A JSON object with an Action is an event, and its fields must have test2json's types; other lines
 * (not JSON, or JSON without an Action) are stray output.
 */
function decodeEvent(line: string, file: string, lineNumber: number): TestEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined; // Not JSON: the caller keeps it as stray output.
  }
  if (typeof value !== "object" || value === null || Array.isArray(value) || !Object.hasOwn(value, "Action")) return undefined;
  const fields = value as Record<string, unknown>;
  const wrong = (field: string, expected: string) =>
    new FileError(file, `expected ${expected}, got ${JSON.stringify(fields[field])?.slice(0, 40) ?? "nothing"}`, lineNumber, field);
  for (const field of TEXT_FIELDS) {
    if (Object.hasOwn(fields, field) && typeof fields[field] !== "string") throw wrong(field, "a string");
  }
  if (Object.hasOwn(fields, "Elapsed") && (typeof fields.Elapsed !== "number" || !Number.isFinite(fields.Elapsed))) {
    throw wrong("Elapsed", "a number of seconds");
  }
  return fields as unknown as TestEvent;
}

/**
 * `example.com/x [example.com/x.test]` is the build of x (or of a dependency) for x's test binary:
 * the bracket names the package whose test could not be built.
 */
function packageOfBuild(importPath: string, forTest?: string): string {
  const bracket = forTest ?? trailingBracket(importPath);
  if (bracket) return bracket.endsWith(".test") ? bracket.slice(0, -".test".length) : bracket;
  return importPath.split(" ")[0]!;
}

/**
 * What `/\[(\S+)\]$/` would capture, by plain scanning: that regular expression backtracks from every
 * "[" and takes quadratic time on a long line of them.
 */
function trailingBracket(text: string): string | undefined {
  if (!text.endsWith("]")) return undefined;
  let start = text.length - 1;
  while (start > 0 && !/\s/.test(text[start - 1]!)) start--;
  const open = text.indexOf("[", start);
  return open !== -1 && open < text.length - 2 ? text.slice(open + 1, -1) : undefined;
}
