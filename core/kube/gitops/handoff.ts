// The GitOps handoff: instead of applying the manifests, commit them (or the overlay's image pin)
// to the repository a GitOps tool syncs. git runs two scripts (clone, then commit and push) in one
// workspace; what to write between them is decided here. Every input of the commit (files, author,
// message, time) comes from the release, so the same deploy makes the same commit: a second deploy
// of the same digest finds nothing to commit, and a merge-request branch pushed twice is one commit.
import { GantryError } from "../../errors.js";
import type { GitOpsConfig } from "../config/gitops.js";
import type { Ran } from "../ports.js";
import type { KubeObject } from "../manifests/objects.js";
import { pinnedImage } from "../manifests/image.js";
import { toYaml } from "../manifests/yaml.js";
import { KUSTOMIZATION_FILES, pinKustomizationImage } from "./kustomization.js";

/** Where git works, under the workspace root: the clone, the token (0400) and the commit message. */
export function handoffPaths(root: string) {
  return { root, repo: `${root}/repo`, token: `${root}/secrets/token`, message: `${root}/message` };
}

/**
 * A directory git writes into and runs in: the container (Dagger), a temporary directory (host
 * tests). `run` gets the core's argv and the environment of gitEnvironment().
 */
export interface GitWorkspace {
  run(argv: string[]): Promise<Ran>;
  /** A file's text, or undefined when there is none. */
  read(path: string): Promise<string | undefined>;
  write(path: string, contents: string): Promise<void>;
}

export interface HandoffRequest {
  config: GitOpsConfig;
  environment: string;
  service: string;
  /** Pinned by digest. */
  image: string;
  /** The rollout revision of these objects (image, config, pod spec): `rollback --to` finds it in the message. */
  revision: string;
  /** The objects a sync must apply (renderEnvironment: the stable state). */
  objects: KubeObject[];
  /** The pipeline's name and the run that deploys: the commit message's provenance lines. */
  pipeline: string;
  run: string;
  /** Commit time of the release, Unix seconds: the commit's author and committer time. */
  sourceDateEpoch: number;
}

export interface HandoffResult {
  repository: string;
  /** The branch pushed to: the synced branch, or the merge request's branch. */
  branch: string;
  /** The commit the branch points at afterwards. */
  commit: string;
  /** False when the branch already held exactly this (nothing was committed or pushed). */
  changed: boolean;
  /** The file written, relative to the repository. */
  file: string;
}

// GIT_CONFIG_* reaches every git command of a script, and never lands in the clone's .git/config.
const ASKPASS_HELPER = `!f() { test "$1" = get || exit 0; echo "username=$GANTRY_GITOPS_USERNAME"; printf 'password=%s\\n' "$(cat "$GANTRY_GITOPS_TOKEN")"; }; f`;

/** The environment every git command of the handoff runs with: identity, time, and credentials by file. */
export function gitEnvironment(request: Pick<HandoffRequest, "config" | "sourceDateEpoch">, root: string): Record<string, string> {
  const { config } = request;
  if (!Number.isSafeInteger(request.sourceDateEpoch) || request.sourceDateEpoch <= 0) {
    throw new GantryError(
      "gitops: the release has no commit time, and the commit's time must come from it (reproducible commits); deploy from a git checkout, or pass --source-date-epoch",
    );
  }
  const date = `@${request.sourceDateEpoch} +0000`;
  const config_ = [
    ["safe.directory", "*"],
    ["commit.gpgSign", "false"],
    ["core.hooksPath", "/dev/null"],
    ...(config.credentials ? [["credential.helper", ASKPASS_HELPER]] : []),
  ];
  return {
    GIT_TERMINAL_PROMPT: "0",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    HOME: root,
    GIT_AUTHOR_NAME: config.author.name,
    GIT_AUTHOR_EMAIL: config.author.email,
    GIT_COMMITTER_NAME: config.author.name,
    GIT_COMMITTER_EMAIL: config.author.email,
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
    GANTRY_GITOPS_USERNAME: config.username,
    GANTRY_GITOPS_TOKEN: handoffPaths(root).token,
    GIT_CONFIG_COUNT: String(config_.length),
    ...Object.fromEntries(
      config_.flatMap(([key, value], i) => [
        [`GIT_CONFIG_KEY_${i}`, key!],
        [`GIT_CONFIG_VALUE_${i}`, value!],
      ]),
    ),
  };
}

const CLONE_SCRIPT = ["set -eu", 'git clone --quiet --no-tags --single-branch --depth 1 --branch "$1" -- "$2" "$3"'].join("\n");

/** argv that clones the synced branch (shallow: only its tip is needed) into the workspace. */
export function cloneArgv(config: GitOpsConfig, root: string): string[] {
  return ["sh", "-c", CLONE_SCRIPT, "gantry-gitops-clone", config.branch, config.repository, handoffPaths(root).repo];
}

// Nothing staged: the branch already holds this deploy; print its commit and push nothing.
// `+` on the merge-request branch: it is Gantry's own, and a rerun replaces it.
const COMMIT_SCRIPT = [
  "set -eu",
  'cd "$1"',
  'git add --all -- "$2"',
  'if git diff --cached --quiet; then echo "unchanged=$(git rev-parse HEAD)"; exit 0; fi',
  'git commit --quiet --no-verify --file "$4"',
  'git push --quiet origin "$5HEAD:refs/heads/$3"',
  'echo "commit=$(git rev-parse HEAD)"',
].join("\n");

/** argv that commits what was written under `path` (when it changed anything) and pushes it. */
export function commitArgv(config: GitOpsConfig, root: string, pushBranch: string): string[] {
  const p = handoffPaths(root);
  return ["sh", "-c", COMMIT_SCRIPT, "gantry-gitops-commit", p.repo, config.path, pushBranch, p.message, config.mode === "merge-request" ? "+" : ""];
}

// The newest commit under the path whose message names the release (its Image: or Revision: line),
// restored as it was, then committed like a deploy. A full clone: the history is what is searched.
const ROLLBACK_SCRIPT = [
  "set -eu",
  'git clone --quiet --no-tags --single-branch --branch "$1" -- "$2" "$3"',
  'cd "$3"',
  'found="$(git log -1 --format=%H --fixed-strings --grep "$5" -- "$4")"',
  'if [ -z "$found" ]; then echo "no commit of $1 under $4 has the line: $5" >&2; exit 3; fi',
  'git rm -r --quiet --ignore-unmatch -- "$4"',
  'git checkout "$found" -- "$4"',
  'echo "restored=$found"',
].join("\n");

/** argv that clones the whole branch and restores `path` as the newest commit naming `line` left it. */
export function restoreArgv(config: GitOpsConfig, root: string, line: string): string[] {
  return ["sh", "-c", ROLLBACK_SCRIPT, "gantry-gitops-restore", config.branch, config.repository, handoffPaths(root).repo, config.path, line];
}

/** The message line a deploy's commit carries for `to`: a digest (or image reference) or a revision. */
export function releaseLine(to: string): string {
  const wanted = to.trim();
  const digest = wanted.includes("@") ? wanted.slice(wanted.indexOf("@") + 1) : wanted;
  if (/^sha(256|384|512):[0-9a-f]+$/.test(digest)) return `@${digest}`;
  if (/^[0-9a-z]+$/.test(wanted)) return `Revision: ${wanted}`;
  throw new GantryError(`rollback --to ${to}: expected a revision or an image digest (sha256:...)`);
}

/**
 * rollback --to where the commit is the whole deploy: the path restored as the newest deploy of
 * that release committed it, and committed again (nothing when the branch already holds it).
 */
export async function handBack(
  request: Omit<HandoffRequest, "objects" | "image" | "revision">,
  to: string,
  ws: GitWorkspace,
  root: string,
): Promise<HandoffResult & { restored: string }> {
  const { config } = request;
  const line = releaseLine(to);
  const ran = await step(
    "git restore",
    restoreArgv(config, root, line),
    ws,
    `could not find the deploy of ${to} in branch ${config.branch} of ${config.repository}`,
  );
  const restored = /^restored=([0-9a-f]+)$/m.exec(ran.stdout)![1]!;
  const message = [
    `rollback ${request.service} in ${request.environment} to ${to}`,
    "",
    `Restores: ${config.path} as of ${restored}`,
    `Environment: ${request.environment}`,
    `Pipeline: ${request.pipeline}`,
    `Run: ${request.run}`,
    "",
  ].join("\n");
  await ws.write(handoffPaths(root).message, message);
  const pushed = await step(
    "git commit and push",
    commitArgv({ ...config, mode: "commit" }, root, config.branch),
    ws,
    `could not push to ${config.branch} of ${config.repository}`,
  );
  return { repository: config.repository, branch: config.branch, file: config.path, restored, ...parseCommitOutput(pushed.stdout) };
}

/** `unchanged=<sha>` or `commit=<sha>`, the commit script's last line. */
export function parseCommitOutput(stdout: string): { commit: string; changed: boolean } {
  const m = /^(unchanged|commit)=([0-9a-f]{40,64})$/m.exec(stdout);
  if (!m) throw new GantryError(`gitops: git printed no commit (got ${JSON.stringify(stdout.slice(0, 200))})`);
  return { commit: m[2]!, changed: m[1] === "commit" };
}

/** The branch a deploy pushes to: the synced one, or gantry/<environment>/<first 12 hex of the digest> for a merge request. */
export function pushBranch(config: GitOpsConfig, environment: string, image: string): string {
  if (config.mode === "commit") return config.branch;
  const digest = pinnedImage(image).ref.digest!;
  return `gantry/${environment}/${digest.slice(digest.indexOf(":") + 1, digest.indexOf(":") + 13)}`;
}

/** The commit message: what, where, which digest, from which pipeline and run. */
export function commitMessage(request: HandoffRequest): string {
  const { ref, pinned } = pinnedImage(request.image);
  const digest = ref.digest!;
  return [
    `deploy ${request.service} ${digest.slice(0, digest.indexOf(":") + 13)} to ${request.environment}`,
    "",
    `Image: ${pinned}`,
    `Revision: ${request.revision}`,
    `Environment: ${request.environment}`,
    `Pipeline: ${request.pipeline}`,
    `Run: ${request.run}`,
    "",
  ].join("\n");
}

/** What the handoff writes: the overlay's kustomization with the image pinned, or `<service>.yaml` with every object. */
export async function plannedFile(request: HandoffRequest, ws: GitWorkspace, root: string): Promise<{ file: string; contents: string }> {
  const { config } = request;
  const dir = config.path === "." ? "" : `${config.path}/`;
  for (const name of KUSTOMIZATION_FILES) {
    const file = `${dir}${name}`;
    const text = await ws.read(`${handoffPaths(root).repo}/${file}`);
    if (text === undefined) continue;
    const { ref } = pinnedImage(request.image);
    const newName = `${ref.registry}/${ref.repository}`;
    return {
      file,
      contents: pinKustomizationImage(text, `${config.repository} ${config.branch}:${file}`, { name: config.image ?? newName, newName, digest: ref.digest! }),
    };
  }
  return { file: `${dir}${request.service}.yaml`, contents: toYaml(request.objects) };
}

/** Clone, write, commit when something changed, push: the commit the GitOps tool will sync. */
export async function handOff(request: HandoffRequest, ws: GitWorkspace, root: string): Promise<HandoffResult> {
  const { config } = request;
  const branch = pushBranch(config, request.environment, request.image);
  await step(
    "git clone",
    cloneArgv(config, root),
    ws,
    `could not clone branch ${config.branch} of ${config.repository} (it must exist; check the URL and the credentials)`,
  );
  const planned = await plannedFile(request, ws, root);
  await ws.write(`${handoffPaths(root).repo}/${planned.file}`, planned.contents);
  await ws.write(handoffPaths(root).message, commitMessage(request));
  const ran = await step(
    "git commit and push",
    commitArgv(config, root, branch),
    ws,
    `could not push to ${branch} of ${config.repository} (someone pushed first? run deploy again)`,
  );
  return { repository: config.repository, branch, file: planned.file, ...parseCommitOutput(ran.stdout) };
}

async function step(name: string, argv: string[], ws: GitWorkspace, hint: string): Promise<Ran> {
  const ran = await ws.run(argv);
  if (ran.status !== 0) throw new GantryError(`gitops: ${name} exited ${ran.status}: ${hint}: ${(ran.stderr.trim() || ran.stdout.trim()).slice(-800)}`);
  return ran;
}
