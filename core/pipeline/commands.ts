// Every `dagger call` command line that generated CI files (and documentation) run, in one place:
// when the module's CLI changes, this file is the only one to edit. A command is a list of words;
// each is text (quoted for the shell by the one rule in core/quote.ts, so a value from the pipeline
// file stays one word of data), a variable the CI system or the job sets at run time, or both
// joined into one word.
import { TEST_REPORT_FILES } from "../go/report-files.js";
import { shellWord } from "../quote.js";
import { GATE_CHECK_SCRIPT } from "../report/gate-file.js";
import { SCAN_REPORT_FILES } from "../scan/report-files.js";
import type { Stage } from "./graph.js";

/** A shell variable, expanded at run time inside double quotes (one word, never split or globbed). */
export interface ShellVariable {
  variable: string;
}

/** Text, a variable, or several of them joined into one word. */
export type Word = string | ShellVariable | Word[];

export const shellVariable = (variable: string): ShellVariable => ({ variable });

export interface CallTarget {
  /** A remote module (github.com/acme/gantry@v0.2.0); absent when the repository is the module. */
  module?: Word;
  /** The pipeline file, relative to the repository root. */
  config: Word;
  /** The git ref, e.g. the variable GITHUB_REF. */
  ref: Word;
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
  junit: `${REPORT_PATHS.test}/${TEST_REPORT_FILES.junit}`,
  testSummary: `${REPORT_PATHS.test}/${TEST_REPORT_FILES.markdown}`,
  cobertura: `${REPORT_PATHS.test}/${TEST_REPORT_FILES.cobertura}`,
  sarif: `${REPORT_PATHS.scan}/${SCAN_REPORT_FILES.sarif}`,
  gitlabScan: `${REPORT_PATHS.scan}/${SCAN_REPORT_FILES.gitlab}`,
  scanJunit: `${REPORT_PATHS.scan}/${SCAN_REPORT_FILES.junit}`,
  scanSummary: `${REPORT_PATHS.scan}/${SCAN_REPORT_FILES.markdown}`,
  testGate: `${REPORT_PATHS.test}/${TEST_REPORT_FILES.gate}`,
  scanGate: `${REPORT_PATHS.scan}/${SCAN_REPORT_FILES.gate}`,
} as const;

/** One command: its words, and optionally a command its output is piped into. */
export interface ShellCommand {
  words: Word[];
  pipeTo?: Word[];
}

/** The shell text of one word. */
export function renderWord(word: Word): string {
  if (typeof word === "string") return shellWord(word);
  if (Array.isArray(word)) return word.map(renderWord).join("");
  return `"$${word.variable}"`;
}

/** The shell line of a command, every word rendered by the one quoting rule. */
export function shellLine(command: ShellCommand): string {
  const line = command.words.map(renderWord).join(" ");
  return command.pipeTo ? `${line} | ${command.pipeTo.map(renderWord).join(" ")}` : line;
}

/** Script lines: shell text the generator wrote itself, or commands rendered by shellLine. */
export function scriptLines(lines: (string | ShellCommand)[]): string[] {
  return lines.map((l) => (typeof l === "string" ? l : shellLine(l)));
}

export function daggerCall(target: CallTarget, call: Word[]): ShellCommand {
  return { words: ["dagger", ...(target.module === undefined ? [] : ["-m", target.module]), "call", "--config", target.config, "--ref", target.ref, ...call] };
}

export interface StageCommandOptions {
  /** The name scan reports show for the image. */
  imageName?: Word;
  /** Registry password, as a secret reference (env:GITHUB_TOKEN) or a variable holding one. */
  password?: Word;
  /** Registry user name. */
  username?: Word;
  /** The pushed reference (repo@sha256:...) a deploy stage rolls out, usually a variable. */
  image?: Word;
  /** The deploy stage's environment. Default: the stage's own. */
  environment?: Word;
  /** The deploy stage's kubeconfig reference. Default: the stage's own, if any. */
  kubeconfig?: Word;
}

/**
 * The commands of one stage. `reports` write files and do not fail on a bad verdict; `check`
 * fails the job when the stage failed (failed tests, a failed scan gate), so CI systems can
 * publish the reports first and still stop. For test and scan, `check` reads the verdict the
 * exported reports hold (gate.txt) instead of calling the module again: one runtime call a job.
 */
export interface StageCommands {
  reports: ShellCommand[];
  check: ShellCommand[];
}

export function stageCommands(stage: Stage, target: CallTarget, options: StageCommandOptions = {}): StageCommands {
  const call = (...words: Word[]) => daggerCall(target, words);
  const flag = (name: string, value: Word | undefined): Word[] => (value === undefined ? [] : [name, value]);
  switch (stage.kind) {
    case "test":
      return { reports: [call("test", "--source", ".", "reports", "export", "--path", REPORT_PATHS.test)], check: [gateCheck(REPORT_FILES.testGate)] };
    case "build":
      return { reports: [], check: [call("build", "--source", ".", "export", "--path", REPORT_PATHS.dist)] };
    case "image":
      // Builds the multi-platform image and prints its digest (Image.digest).
      return { reports: [], check: [call("image", "--source", ".", "digest")] };
    case "scan":
      return {
        reports: [call("scan", "--source", ".", ...flag("--image-name", options.imageName), "reports", "export", "--path", REPORT_PATHS.scan)],
        check: [gateCheck(REPORT_FILES.scanGate)],
      };
    case "publish":
      return {
        reports: [],
        check: [
          { words: ["mkdir", "-p", dirname(REPORT_PATHS.published)] },
          {
            ...call("publish", "--source", ".", ...flag("--username", options.username), ...flag("--password", options.password)),
            pipeTo: ["tee", REPORT_PATHS.published],
          },
        ],
      };
    case "deploy": {
      const environment = options.environment ?? stage.environment!;
      const access = ["environment", "--source", ".", "--name", environment, ...flag("--kubeconfig", options.kubeconfig ?? stage.kubeconfig)];
      return { reports: [], check: [call(...access, "deploy", ...flag("--image", options.image))] };
    }
  }
}

/** Shell lines setting `variable` to the digest reference (repo@sha256:...) of publish's first printed line. */
export function pushedImageShell(variable: string): string[] {
  return [
    `GANTRY_PUSHED="$(head -n 1 ${REPORT_PATHS.published})"`,
    'GANTRY_TAGGED="${GANTRY_PUSHED%@*}"',
    `${variable}="\${GANTRY_TAGGED%:*}@\${GANTRY_PUSHED##*@}"`,
  ];
}

/** Fails the job unless the exported gate file says passed, printing why it failed. */
function gateCheck(gateFile: string): ShellCommand {
  return { words: ["sh", "-c", GATE_CHECK_SCRIPT, "gate", gateFile] };
}

function dirname(path: string): string {
  return path.slice(0, path.lastIndexOf("/"));
}
