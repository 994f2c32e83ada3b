// Runs the scripts of generated CI files as each system would hand them to a shell, with a
// recording `dagger` first on PATH and hostile values in every variable the CI system provides;
// and says which dagger argv each stage is meant to run (written here from the pipeline, not from
// the generator's command builder, so a wrong word in either shows).
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import type { Stage } from "../../core/pipeline/graph.js";
import type { CiOptions } from "../../core/pipeline/ci/shared.js";
import type { Pipeline } from "../../core/pipeline/schema.js";
import type { Ran } from "./run.js";

export const DIGEST = `sha256:${"a".repeat(64)}`;
/** What the recording dagger prints for publish: one pushed reference, as publish prints them. */
export const PUBLISHED = `registry.example/acme/api:1.2.3@${DIGEST}`;
/** The digest reference a deploy script derives from that line. */
export const PUSHED_IMAGE = `registry.example/acme/api@${DIGEST}`;

/** A value that runs `touch PWN-<label>...` if a script ever treats it as code rather than data. */
export function hostile(label: string): string {
  return `${label} it's "q" $(touch PWN-${label}) \`touch PWN-${label}-bt\` \${IFS} ;touch PWN-${label}-semi # ü`;
}

const RECORDING_DAGGER = `#!/bin/sh
# A recording dagger (test double): writes its argv, NUL-separated, to a file in $RECORD_DIR;
# creates the directory a call exports to, with a summary.md and a gate.txt ($GATE_VERDICT, default
# passed); prints a pushed reference for publish.
set -e
# Named by the time of the call, and written under another name first: jobs may run at once.
name="$(date +%s%N)-$$"
for a in "$@"; do printf '%s\\0' "$a"; done > "$RECORD_DIR/.$name"
mv "$RECORD_DIR/.$name" "$RECORD_DIR/$name"
prev=""
for a in "$@"; do
  if [ "$prev" = --path ]; then mkdir -p "$a"; echo "coverage 80.0% of statements" > "$a/summary.md"; printf '%s\\n' "\${GATE_VERDICT:-passed}" > "$a/gate.txt"; fi
  if [ "$a" = publish ]; then echo "$PUBLISHED"; fi
  prev="$a"
done
`;

/** A directory of test doubles: the recording dagger, and apk and curl that do nothing (GitLab's before_script installs). */
export function stubBin(dir: string): string {
  const bin = join(dir, "bin");
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, "dagger"), RECORDING_DAGGER);
  writeFileSync(join(bin, "apk"), "#!/bin/sh\nexit 0\n");
  writeFileSync(join(bin, "curl"), "#!/bin/sh\nexit 0\n");
  for (const f of ["dagger", "apk", "curl"]) chmodSync(join(bin, f), 0o755);
  return bin;
}

/** The argv of every recorded dagger call, in order, then forgets them. */
export function takeRecords(recordDir: string): string[][] {
  const files = readdirSync(recordDir)
    .filter((f) => /^\d+-\d+$/.test(f))
    .sort();
  const calls = files.map((f) => readFileSync(join(recordDir, f), "utf8").split("\0").slice(0, -1));
  for (const f of files) rmSync(join(recordDir, f));
  return calls;
}

let scripts = 0;

/** Runs a script file with `shell` (argv before the file), in `cwd`, with exactly `env` and nothing of the test's. */
export function runScript(shell: string[], script: string, cwd: string, env: Record<string, string>): Promise<Ran> {
  mkdirSync(cwd, { recursive: true });
  const file = join(cwd, `.script-${++scripts}.sh`);
  writeFileSync(file, script);
  const [cmd, ...args] = shell;
  return new Promise((resolve, reject) => {
    execFile(cmd!, [...args, file], { cwd, env, encoding: "utf8", timeout: 60_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") return reject(error);
      resolve({ status: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

export type System = "github" | "gitlab" | "jenkins";

/** What the CI system gives a job, as the intended argv uses it. */
export interface CiValues {
  ref: string;
  /** The image name scan reports get when publish names no repository. */
  scanImageName: (repository: string | undefined) => string;
  /** The user name publish passes when the pipeline names none; undefined: no --username. */
  username: (pipeline: Pipeline) => string | undefined;
  defaultPassword: string;
  /** The pushed reference a deploy stage rolls out. */
  deployImage: string;
}

/** The argv (after `dagger`) each dagger call of the stage is meant to have, in order. */
export function intendedCalls(stage: Stage, pipeline: Pipeline, options: CiOptions, ci: CiValues): string[][] {
  const call = (...words: string[]) => [...(options.module ? ["-m", options.module] : []), "call", "--config", options.config, "--ref", ci.ref, ...words];
  switch (stage.kind) {
    case "test":
      return [call("test", "--source", ".", "reports", "export", "--path", "reports/test")];
    case "build":
      return [call("build", "--source", ".", "export", "--path", "dist")];
    case "image":
      return [call("image", "--source", ".", "digest")];
    case "scan":
      return [call("scan", "--source", ".", "--image-name", ci.scanImageName(pipeline.publish.repository), "reports", "export", "--path", "reports/scan")];
    case "publish": {
      const username = ci.username(pipeline);
      return [
        call(
          "publish",
          "--source",
          ".",
          ...(username === undefined ? [] : ["--username", username]),
          "--password",
          pipeline.publish.password ?? ci.defaultPassword,
        ),
      ];
    }
    case "deploy":
      return [
        call(
          "environment",
          "--source",
          ".",
          "--name",
          stage.environment!,
          ...(stage.kubeconfig ? ["--kubeconfig", stage.kubeconfig] : []),
          "deploy",
          "--image",
          ci.deployImage,
        ),
      ];
  }
}
