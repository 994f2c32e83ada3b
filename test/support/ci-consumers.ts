// What the host tests of the generated CI files share: the pipelines checked (this repository's
// files, the generator examples and the generated half of the hostile corpus, each generated once),
// the real tools' paths, and a Jenkinsfile reader that runs Groovy's compiler.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { ciFiles } from "../../core/pipeline/ci/files.js";
import { GITHUB_WORKFLOW_FILE } from "../../core/pipeline/ci/github.js";
import { GITLAB_CI_FILE } from "../../core/pipeline/ci/gitlab.js";
import { JENKINSFILE } from "../../core/pipeline/ci/jenkins.js";
import type { CiOptions } from "../../core/pipeline/ci/shared.js";
import type { Pipeline } from "../../core/pipeline/schema.js";
import { repositoryCiFiles, CONFIG } from "../../scripts/ci-files.js";
import { EXAMPLES } from "../unit/pipeline/ci-pipelines.js";
import { generatedCases } from "./ci-hostile.js";
import { runArgv } from "./run.js";
import { loadPipeline } from "../../core/pipeline/load.js";

export const root = fileURLToPath(new URL("../../", import.meta.url));
export const ACTIONLINT = join(root, ".tools/bin/actionlint");
export const GITLAB_CI_LOCAL = join(root, ".tools/bin/gitlab-ci-local");
export const FILES = { github: GITHUB_WORKFLOW_FILE, gitlab: GITLAB_CI_FILE, jenkins: JENKINSFILE } as const;

export interface Subject {
  name: string;
  pipeline: Pipeline;
  options: CiOptions;
  files: Record<string, string>;
}

/** Every pipeline whose CI files the host tests check, with its files generated once. */
export function subjects(): Subject[] {
  const repository = repositoryCiFiles(root);
  const engineVersion = (JSON.parse(readFileSync(join(root, "dagger.json"), "utf8")) as { engineVersion: string }).engineVersion;
  return [
    {
      name: "this repository",
      pipeline: loadPipeline(readFileSync(join(root, CONFIG), "utf8"), CONFIG),
      options: { config: CONFIG, engineVersion },
      // The committed files, which the drift test keeps equal to the generated ones.
      files: Object.fromEntries(Object.keys(repository).map((path) => [path, readFileSync(join(root, path), "utf8")])),
    },
    ...EXAMPLES.filter((e) => e.name !== CONFIG).map((e) => ({
      name: e.name,
      pipeline: e.pipeline,
      options: e.options,
      files: ciFiles(e.pipeline, e.options),
    })),
    ...generatedCases().map((g) => ({ name: g.c.name, pipeline: g.pipeline, options: g.c.options, files: g.files })),
  ];
}

/** Writes a subject's files under dir/<index>/, as a repository would hold them; returns that directory. */
export function writeSubject(dir: string, index: number, subject: Subject): string {
  const at = join(dir, String(index));
  for (const [path, text] of Object.entries(subject.files)) {
    mkdirSync(dirname(join(at, path)), { recursive: true });
    writeFileSync(join(at, path), text);
  }
  return at;
}

/** JAVA_HOME for Debian's groovy launcher: the one set, else the JDK the `java` on PATH belongs to. */
export function javaHome(): string {
  const given = process.env.JAVA_HOME;
  if (given && existsSync(join(given, "bin/java"))) return given;
  const java = execFileSync("sh", ["-c", "command -v java"], { encoding: "utf8" }).trim();
  return dirname(dirname(realpathSync(java)));
}

export interface JenkinsStage {
  name: string;
  parent: string | null;
  sh: string[];
  patterns: { kind: "branch" | "tag"; pattern: string; comparator: string }[];
  branches: string[];
  credentials: Record<string, string>[];
  locks: string[];
  input: string | null;
}

export type JenkinsRead = { file: string; stages: JenkinsStage[] } | { file: string; error: string };

/**
 * Compiles Jenkinsfiles with Debian's Groovy and runs their pipeline block against a recording
 * stand-in of the Jenkins DSL (test/support/jenkinsfile-steps.groovy), in one JVM for all files.
 */
export async function readJenkinsfiles(paths: string[]): Promise<JenkinsRead[]> {
  const ran = await runArgv(["groovy", join(root, "test/support/jenkinsfile-steps.groovy"), ...paths], {
    cwd: root,
    env: { JAVA_HOME: javaHome() },
    timeoutMs: 120_000,
  });
  if (ran.status !== 0) throw new Error(`groovy failed (${ran.status}): ${ran.stderr}`);
  return ran.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as JenkinsRead);
}
