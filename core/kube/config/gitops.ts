// `environments.<name>.gitops` of a pipeline file: where a deploy hands its manifests to a GitOps
// tool (Argo CD, Flux) instead of applying them. Its own file and block, so the environment schema
// gains one line for it.
import { z } from "zod";

import { SECRET_REFERENCE, SECRET_REFERENCE_HINT } from "../../secret-reference.js";

/** How a deploy reaches the repository: a commit on the branch, or a branch of its own for a merge request. */
export type GitOpsMode = "commit" | "merge-request";

/** An environment's GitOps handoff, normalised (types.ts's Environment.gitops). */
export interface GitOpsConfig {
  /** https:// (or http://, a server on the caller's network) URL of the repository; no credentials in it. */
  repository: string;
  /** The branch the GitOps tool syncs from. */
  branch: string;
  /** Directory in the repository the tool syncs: Gantry writes `<service>.yaml` there, or edits its kustomization's `images:`. */
  path: string;
  /** A secret reference to a token (https: the password of basic auth). Absent: the repository needs none. */
  credentials?: string;
  /** The user name sent with the token (GitHub ignores it; GitLab wants any non-empty one). */
  username: string;
  mode: GitOpsMode;
  /** The kustomization's `images[].name` to pin; default: the deployed image's repository. */
  image?: string;
  /** Who commits: the name and e-mail of the author and committer. */
  author: { name: string; email: string };
}

/** A repository URL without user info (a token in a pipeline file would end up in git). */
const repositoryUrl = z
  .string()
  .regex(/^https?:\/\/[^\s/]+\/\S+$/, "expected the repository's https:// (or http://) URL, e.g. https://git.example.com/team/deploy.git")
  .superRefine((text, ctx) => {
    const authority = text.replace(/^[a-z]+:\/\//, "").split(/[/?#]/)[0]!;
    if (authority.includes("@")) {
      ctx.addIssue({ code: "custom", message: "must not carry credentials (user:token@): give them as credentials: <secret reference>" });
    }
    if (!URL.canParse(text)) ctx.addIssue({ code: "custom", message: "is not a URL git can clone (a host, and a port from 1 to 65535)" });
  });

/** A branch name git accepts (git check-ref-format's rules that matter here), never an option. */
const branchName = z
  .string()
  .regex(/^(?!-)(?!.*\.\.)(?!.*\/\/)(?!.*@\{)(?!.*\.lock(\/|$))[A-Za-z0-9._/-]+(?<![./])$/, "expected a branch name such as main or deploy/production");

/** A directory inside the repository: relative, no `..`, no `.git`. */
const repositoryPath = z
  .string()
  .regex(
    /^(?:\.|[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*)$/,
    "expected a relative directory of the repository such as k8s/overlays/production (letters, digits, '.', '_', '-')",
  )
  .refine(
    (p) => p === "." || !p.split("/").some((part) => part === ".." || part === "." || part === ".git"),
    "must stay inside the repository: no '..', '.' or .git segment",
  );

export const gitopsSchema = z
  .strictObject({
    repository: repositoryUrl.describe("The repository the GitOps tool syncs from (https://, or http://; no credentials in it)."),
    branch: branchName.default("main").describe("The branch it syncs."),
    path: repositoryPath.describe(
      "The directory it syncs: Gantry writes <service>.yaml there, or, when it holds a kustomization.yaml, edits its images: entry.",
    ),
    credentials: z
      .string()
      .regex(SECRET_REFERENCE, SECRET_REFERENCE_HINT)
      .optional()
      .describe("A token for the repository, as a secret reference (env:GITOPS_TOKEN, op://...). Absent: the repository needs none."),
    username: z
      .string()
      .regex(/^[^\s:@]+$/, "expected a user name without spaces, ':' or '@'")
      .default("gantry")
      .describe("The user name sent with the token (any non-empty one for GitHub and GitLab tokens)."),
    mode: z
      .enum(["commit", "merge-request"])
      .default("commit")
      .describe("commit: on the branch; merge-request: on a branch gantry/<environment>/<digest> for a merge request into it."),
    image: z.string().min(1).optional().describe("The kustomization's images[].name to pin. Default: the deployed image's repository."),
    author: z
      .strictObject({
        name: z
          .string()
          .min(1)
          .regex(/^[^<>\n]+$/, "expected a name without <, > or a line break"),
        email: z.string().regex(/^[^\s<>@]+@[^\s<>@]+$/, "expected an e-mail address"),
      })
      .prefault({ name: "Gantry", email: "gantry@gantry.invalid" })
      .describe("Author and committer of the commits."),
  })
  .describe(
    "Hand the manifests to a GitOps tool: deploy commits them to this repository instead of applying them (a canary still runs its steps on the cluster, then commits the promoted state).",
  );

export function gitopsFrom(g: z.output<typeof gitopsSchema>): GitOpsConfig {
  return {
    repository: g.repository,
    branch: g.branch,
    path: g.path,
    ...(g.credentials ? { credentials: g.credentials } : {}),
    username: g.username,
    mode: g.mode,
    ...(g.image ? { image: g.image } : {}),
    author: g.author,
  };
}
