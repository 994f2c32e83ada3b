// Runs the core's cosign ToolRuns on this machine as the adapter runs them in the cosign container:
// cosign built from the pinned module (scripts/install-cosign.sh), as the uid its image declares
// (65532), on files owned and moded as the adapter mounts them (secrets 0400, files 0644, both the
// tool user's), with each in-container path of the argv replaced by the file standing for it.
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import type { ToolRun } from "../../core/image/tool-run.js";
import { READABLE_DIRECTORY_MODE, toolAccess, TOOL_USERS } from "../../core/tool-access.js";
import { tempDir } from "./oci.js";
import { runArgv, type Ran } from "./run.js";
import { asUser, chownTo } from "./tool-user.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
/** The version scripts/install-cosign.sh builds (read from it: one place says it). */
export const COSIGN_VERSION = /^VERSION=(\S+)$/m.exec(readFileSync(join(repoRoot, "scripts", "install-cosign.sh"), "utf8"))![1]!;
export const COSIGN = join(process.env.GANTRY_COSIGN_DIR ?? join(repoRoot, ".tools", "cosign", COSIGN_VERSION), "bin", "cosign");

export function requireCosign(): void {
  if (!existsSync(COSIGN)) throw new Error(`${COSIGN} is missing: run scripts/install-cosign.sh (or npm run setup) to build cosign ${COSIGN_VERSION}`);
}

const cosign = toolAccess("cosign");
const USER = { uid: cosign.uid, gid: cosign.gid };

/** A directory the cosign user may enter, standing for the container's filesystem. */
export async function cosignHome(): Promise<string> {
  const dir = tempDir("gantry-cosign-home-");
  chmodSync(dir, READABLE_DIRECTORY_MODE);
  await chownTo(USER, dir);
  return dir;
}

/** A file as withToolFile/withToolNewFile leaves it: the cosign user's, 0644. */
export async function toolFile(contents: string, name: string): Promise<string> {
  const dir = tempDir("gantry-cosign-file-");
  chmodSync(dir, READABLE_DIRECTORY_MODE);
  const file = join(dir, name);
  writeFileSync(file, contents);
  chmodSync(file, cosign.file.permissions);
  await chownTo(USER, file);
  return file;
}

/** A secret as withToolSecret mounts it: the cosign user's, 0400. */
export async function toolSecret(contents: string, name: string): Promise<string> {
  const file = await toolFile(contents, name);
  chmodSync(file, cosign.secret.mode);
  return file;
}

/** A key pair made by `cosign generate-key-pair` with a password, in a directory of its own. */
export async function generateKeyPair(password: string): Promise<{ key: string; pub: string }> {
  const dir = tempDir("gantry-cosign-keys-");
  const ran = await runArgv([COSIGN, "generate-key-pair"], { cwd: dir, env: { COSIGN_PASSWORD: password } });
  if (ran.status !== 0) throw new Error(`cosign generate-key-pair: ${ran.stderr}`);
  return { key: readFileSync(join(dir, "cosign.key"), "utf8"), pub: readFileSync(join(dir, "cosign.pub"), "utf8") };
}

export interface CosignFiles {
  /** In-container path -> the host file standing for it. */
  paths: Record<string, string>;
  /** The values of the run's secretEnv. */
  secrets?: Record<string, string>;
  home: string;
  dockerConfig: string;
}

/** The argv the container would run, as cosign's user, with the mounted paths replaced. */
export function cosignArgv(run: ToolRun, files: CosignFiles): string[] {
  return asUser(TOOL_USERS.cosign, [COSIGN, ...run.args.map((arg) => files.paths[arg] ?? arg)]);
}

export async function runCosign(run: ToolRun, files: CosignFiles): Promise<Ran> {
  for (const name of run.secretEnv) if (files.secrets?.[name] === undefined) throw new Error(`no value for the secret variable ${name}`);
  const env = { ...run.env, ...files.secrets, HOME: files.home, DOCKER_CONFIG: files.dockerConfig, TUF_ROOT: join(files.home, ".sigstore", "root") };
  return runArgv(cosignArgv(run, files), { cwd: tmpdir(), env, timeoutMs: 120_000 });
}

export async function mustCosign(run: ToolRun, files: CosignFiles): Promise<Ran> {
  const ran = await runCosign(run, files);
  if (ran.status !== 0) throw new Error(`cosign ${run.args.join(" ")} exited ${ran.status}: ${ran.stderr}`);
  return ran;
}
