// Who a tool container runs as, and who owns what it reads. One rule for every container Gantry
// runs a tool in, because a non-root tool cannot read a file the engine left to root (crane pulls
// its blobs 0600, a mounted secret is root's 0400 unless told otherwise):
// 1. a tool runs as the user its pinned image declares, and Gantry states that user (withUser), so
//    a mirror or rebuild that declares another cannot change which uid reads the inputs;
// 2. every file, directory and secret the tool reads is owned by that user:group; files Gantry
//    writes are 0644, directories 0755, secrets 0400 (the owner alone);
// 3. a directory the tool writes into exists before it runs, owned by that user, 0755.
// Exported reports follow the same modes (REPORT_MODES), so what a user gets back is readable.

/** A numeric user and group: names need the image's /etc/passwd, numbers never do. */
export interface ToolUser {
  uid: number;
  gid: number;
}

const ROOT: ToolUser = { uid: 0, gid: 0 };
/** `nonroot` of distroless and of ko's default base (Chainguard static). */
const NONROOT: ToolUser = { uid: 65532, gid: 65532 };
/** The uid:gid OPA's Dockerfile declares. */
const OPA_USER: ToolUser = { uid: 1000, gid: 1000 };
/** `nobody` of busybox-based images. */
const NOBODY: ToolUser = { uid: 65534, gid: 65534 };

/**
 * The user each pinned image declares, read from how the image is built:
 * - crane: gcr.io/go-containerregistry/crane, built by ko (go-containerregistry's release-container.yml) on its static nonroot base;
 * - cosign: ghcr.io/sigstore/cosign/cosign, built by ko on gcr.io/distroless/static-debian12:nonroot (cosign's .ko.yaml);
 * - syft: anchore/syft, FROM scratch with no USER (the `-nonroot` tags are the other variant);
 * - trivy: aquasec/trivy, FROM alpine with no USER;
 * - kubectl: registry.k8s.io/kubectl, on debian-base with no USER (kubernetes build/server-image/kubectl);
 * - prometheus: prom/prometheus, `USER nobody`;
 * - k3s: rancher/k3s, FROM scratch with no USER (a server that must be root);
 * - registry: the registry image, FROM alpine with no USER;
 * - go: the golang image (builds, tests, the layer and tarball steps, git facts), root;
 * - opa: openpolicyagent/opa's -static flavour, `USER 1000:1000` (OPA's Dockerfile: a numeric uid,
 *   so that runAsNonRoot can check it).
 * - git: alpine/git (the GitOps handoff's clone, commit and push), FROM alpine with no USER, root.
 * - helm: alpine/helm (alpine-docker/multi-arch-helm's Dockerfile), FROM alpine with no USER.
 */
export const TOOL_USERS = {
  crane: NONROOT,
  cosign: NONROOT,
  syft: ROOT,
  trivy: ROOT,
  kubectl: ROOT,
  prometheus: NOBODY,
  k3s: ROOT,
  registry: ROOT,
  go: ROOT,
  opa: OPA_USER,
  git: ROOT,
  helm: ROOT,
} as const satisfies Record<string, ToolUser>;

export type ToolName = keyof typeof TOOL_USERS;

/** Modes of what Gantry writes for a reader: files 0644 (0755 for a script the tool runs), directories 0755. */
export const READABLE_FILE_MODE = 0o644;
export const EXECUTABLE_FILE_MODE = 0o755;
export const READABLE_DIRECTORY_MODE = 0o755;
/** A secret is read by its owner alone. */
export const SECRET_MODE = 0o400;

/** Exported report directories and their files: readable by anyone who can reach them, as a tool's inputs are. */
export const REPORT_MODES = { file: READABLE_FILE_MODE, directory: READABLE_DIRECTORY_MODE } as const;

/** The rule for one tool, as the options Dagger's calls take (see the header's three points). */
export interface ToolAccess {
  tool: ToolName;
  uid: number;
  gid: number;
  /** withUser. */
  user: string;
  /** withFile / withNewFile (on a Container or a Directory): owned by the tool's user, 0644. */
  file: { owner: string; permissions: number };
  /**
   * withMountedFile / withMountedDirectory: owned by the tool's user (the modes are those of the
   * files, which Gantry writes 0644 / 0755). Empty for root, whose mounts already are: an owner
   * makes the engine copy the whole directory to change it (a checkout's .git, a scanned tree).
   */
  mount: { owner?: string };
  /** withMountedSecret: owned by the tool's user, 0400. */
  secret: { owner: string; mode: number };
  /** withDirectory of an empty directory the tool writes into: owned by the tool's user, 0755. */
  output: { owner: string; permissions: number };
}

export function toolAccess(tool: ToolName): ToolAccess {
  const { uid, gid } = TOOL_USERS[tool];
  const owner = `${uid}:${gid}`;
  return {
    tool,
    uid,
    gid,
    user: owner,
    file: { owner, permissions: READABLE_FILE_MODE },
    mount: uid === 0 && gid === 0 ? {} : { owner },
    secret: { owner, mode: SECRET_MODE },
    output: { owner, permissions: READABLE_DIRECTORY_MODE },
  };
}
