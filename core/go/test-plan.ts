import { ArgumentError } from "../errors.js";
import { buildTags } from "./build-plan.js";
import { goEnv, normalizePackage, type GoSettings } from "./env.js";

export interface TestRequest extends GoSettings {
  /** Package patterns, e.g. ./... or ./internal/... */
  packages: string[];
  run?: string;
  skip?: string;
  race?: boolean;
  cover?: boolean;
  /** Packages to measure coverage for (-coverpkg), e.g. ./... */
  coverpkg?: string;
  count?: number;
  /** A Go duration, e.g. 10m. */
  timeout?: string;
  /** "on", "off" or a seed. */
  shuffle?: string;
  short?: boolean;
  failfast?: boolean;
  tags?: string[];
  /** Where the JSON stream and coverprofile are written. */
  outputDir?: string;
}

export interface TestPlan {
  argv: string[];
  /** Created before the run; holds the events and the coverprofile. */
  outputDir: string;
  env: Record<string, string>;
  /** The go test -json stream goes to stdout; the adapter redirects it here. */
  eventsPath: string;
  coverprofilePath?: string;
}

export const TEST_OUTPUT_DIR = "/gantry/test";
const GO_DURATION = /^(?:0|(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+)$/;

export function planTest(req: TestRequest): TestPlan {
  const outputDir = req.outputDir ?? TEST_OUTPUT_DIR;
  const env = goEnv(req, req.race === true);
  const argv = ["go", "test", "-json", "-buildvcs=false"];
  if (req.race) argv.push("-race");
  const coverprofilePath = req.cover === false ? undefined : `${outputDir}/coverage.out`;
  if (coverprofilePath) {
    // Atomic is what -race requires and what makes counts exact under parallel tests.
    argv.push("-covermode=atomic", `-coverprofile=${coverprofilePath}`);
    if (req.coverpkg) argv.push(`-coverpkg=${req.coverpkg}`);
  } else if (req.coverpkg) {
    throw new ArgumentError("coverpkg", "has no effect with --cover=false; drop one of them");
  }
  if (req.run) argv.push("-run", req.run);
  if (req.skip) argv.push("-skip", req.skip);
  if (req.count !== undefined) {
    if (!Number.isInteger(req.count) || req.count < 1) throw new ArgumentError("count", `${req.count} must be a whole number of runs, at least 1`);
    argv.push(`-count=${req.count}`);
  }
  if (req.timeout) {
    if (!GO_DURATION.test(req.timeout)) throw new ArgumentError("timeout", `"${req.timeout}" is not a Go duration (e.g. 90s, 10m, 1h30m; 0 disables)`);
    argv.push(`-timeout=${req.timeout}`);
  }
  if (req.shuffle) {
    if (!/^(on|off|-?\d+)$/.test(req.shuffle)) throw new ArgumentError("shuffle", `"${req.shuffle}" must be on, off or a seed number`);
    argv.push(`-shuffle=${req.shuffle}`);
  }
  if (req.short) argv.push("-short");
  if (req.failfast) argv.push("-failfast");
  const tags = buildTags(req.tags ?? []);
  if (tags) argv.push("-tags", tags);
  argv.push(...packagePatterns(req.packages));
  return { argv, env, outputDir, eventsPath: `${outputDir}/events.json`, coverprofilePath };
}

function packagePatterns(packages: string[]): string[] {
  const list = packages
    .flatMap((p) => p.split(","))
    .map((p) => p.trim())
    .filter(Boolean);
  if (list.length === 0) return ["./..."];
  return list.map((p) => {
    if (p.startsWith("-")) throw new ArgumentError("packages", `"${p}" looks like a flag; give package patterns such as ./...`);
    // Import paths (github.com/x/y/...) are passed through; relative ones are checked to stay inside the module.
    return p.startsWith(".") || p.startsWith("/") ? normalizePackage(p, "packages") : p;
  });
}
