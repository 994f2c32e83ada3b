import { compare, parse, type SemVer } from "semver";
import { ArgumentError } from "../errors.js";
import { validateCommit, validateSourceDateEpoch, yyyymmdd } from "./commit.js";
import { isValidTag } from "./reference.js";

export interface TagInput {
  /** `refs/tags/v1.2.3`, `refs/heads/feature/x`, `refs/pull/12/merge`, or a bare tag or branch name. */
  ref?: string;
  /** Explicit semantic version; wins over a version read from `ref`. */
  version?: string;
  /** Commit SHA; adds `sha-<first 7>`. */
  commit?: string;
  /**
   * Tags already in the registry. Their semantic versions decide whether `latest`, `1` and `1.2` move;
   * other entries (`latest`, `sha-…`, branch names) are ignored, so a raw tag listing can be passed.
   */
  existingVersions?: string[];
  /** Extra tags with placeholders: {{version}} {{major}} {{minor}} {{patch}} {{sha}} {{short_sha}} {{branch}} {{date}}. */
  templates?: string[];
  /** Commit time in Unix seconds, the source of {{date}} (never the clock, so reruns give the same tags). */
  sourceDateEpoch?: number;
}

type GitRef = { kind: "version"; version: SemVer } | { kind: "branch"; name: string } | { kind: "tag"; name: string } | { kind: "pull"; number: string };

const PLACEHOLDERS = ["version", "major", "minor", "patch", "sha", "short_sha", "branch", "date"] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];

/**
 * The tags for one build, most specific first, without duplicates: version tags (`1.2.3`, `1.2`, `1`,
 * `latest`), then the branch or pull-request tag, then `sha-<7>`, then the templates.
 */
export function computeTags(input: TagInput): string[] {
  const ref = readRef(input.ref);
  const version = input.version === undefined ? (ref?.kind === "version" ? ref.version : undefined) : explicitVersion(input.version);
  if (version && !isValidTag(fullVersionTag(version))) {
    const [argument, given] = input.version === undefined ? ["ref", input.ref] : ["version", input.version];
    throw new ArgumentError(argument, `"${given}" is longer than the 128 characters a tag can hold`);
  }
  const commit = input.commit === undefined ? undefined : validateCommit(input.commit);
  const existing = (input.existingVersions ?? []).flatMap((v) => parseVersion(v) ?? []);

  const tags: string[] = [];
  if (version) tags.push(...versionTags(version, existing));
  if (ref?.kind === "branch" || ref?.kind === "tag") tags.push(refTag(ref, input.ref ?? ""));
  if (ref?.kind === "pull") tags.push(`pr-${ref.number}`);
  if (commit) tags.push(`sha-${commit.slice(0, 7)}`);

  const values = placeholderValues(version, commit, ref, input.sourceDateEpoch);
  for (const template of input.templates ?? []) tags.push(renderTemplate(template, values));
  return [...new Set(tags)];
}

/**
 * The version a build stamps into its binary and labels: the explicit one, else the one a release
 * tag names (refs/tags/v1.2.3 gives 1.2.3); build metadata is kept (1.2.3+build.5).
 */
export function releaseVersion(input: Pick<TagInput, "ref" | "version">): string | undefined {
  const ref = readRef(input.ref);
  const version = input.version ? explicitVersion(input.version) : ref?.kind === "version" ? ref.version : undefined;
  if (!version) return undefined;
  return version.build.length === 0 ? version.version : `${version.version}+${version.build.join(".")}`;
}

/** A git ref as CI systems hand it over, read for what it names: a branch, a tag or a pull request. */
export type GitRefName = { kind: "branch" | "tag"; name: string } | { kind: "pull"; number: string };

/**
 * Reads `refs/heads/<b>`, `refs/tags/<t>`, `refs/pull/<n>/merge` (or `<n>/merge`, GitHub's ref name of
 * a PR) and bare names: a bare name that is a semantic version is a tag, any other a branch.
 * Empty and HEAD (a detached checkout) name nothing.
 */
export function parseGitRef(ref: string | undefined): GitRefName | undefined {
  if (ref === undefined || ref === "" || ref === "HEAD") return undefined;
  const pull = /^(?:refs\/pull\/)?(\d{1,18})\/(?:merge|head)$/.exec(ref);
  if (pull?.[1]) return { kind: "pull", number: pull[1] };
  if (ref.startsWith("refs/tags/")) return { kind: "tag", name: ref.slice("refs/tags/".length) };
  if (ref.startsWith("refs/heads/")) return { kind: "branch", name: ref.slice("refs/heads/".length) };
  if (ref.startsWith("refs/")) {
    throw new ArgumentError(
      "ref",
      `"${ref}" is not a ref Gantry can read; expected refs/tags/<tag>, refs/heads/<branch>, refs/pull/<n>/merge or a bare tag or branch name`,
    );
  }
  return parseVersion(ref) ? { kind: "tag", name: ref } : { kind: "branch", name: ref };
}

function readRef(ref: string | undefined): GitRef | undefined {
  const named = parseGitRef(ref);
  if (named?.kind !== "tag") return named;
  const version = parseVersion(named.name);
  return version ? { kind: "version", version } : named;
}

/** The semantic version a tag names (1.2.3 or v1.2.3, one optional v), or undefined: vv1.2.3 names none. */
export function parseVersion(text: string): SemVer | undefined {
  // semver.parse trims whitespace and so would accept " 1.2.3"; a tag never has any.
  return /\s/.test(text) ? undefined : (parse(text) ?? undefined);
}

function explicitVersion(text: string): SemVer {
  const version = parseVersion(text);
  if (!version) {
    throw new ArgumentError(
      "version",
      `"${text}" is not a semantic version; expected MAJOR.MINOR.PATCH with an optional v prefix, -prerelease and +build, e.g. 1.2.3, v1.2.3-rc.1 or 1.2.3+build.5`,
    );
  }
  return version;
}

/** OCI tags cannot contain "+", so build metadata joins with "-": 1.2.3+build.5 is tagged 1.2.3-build.5. */
function fullVersionTag(version: SemVer): string {
  return version.build.length === 0 ? version.version : `${version.version}-${version.build.join(".")}`;
}

/**
 * Short tags for releases only: prereleases change too often and break too much to be anyone's `1`.
 * Major 0 still gets `0.4` and `0`, which is what docker/metadata-action does (its issue #70).
 */
function versionTags(version: SemVer, existing: SemVer[]): string[] {
  const full = fullVersionTag(version);
  if (version.prerelease.length > 0) return [full];
  const releases = existing.filter((e) => e.prerelease.length === 0);
  const { major, minor } = version;
  return [
    full,
    ...(movesForward(version, releases, (e) => e.major === major && e.minor === minor) ? [`${major}.${minor}`] : []),
    ...(movesForward(version, releases, (e) => e.major === major) ? [`${major}`] : []),
    ...(movesForward(version, releases, () => true) ? ["latest"] : []),
  ];
}

/**
 * Rule: a moving tag (`1.2`, `1`, `latest`) only moves forward. A 1.1.9 hotfix released after 1.2.0
 * gets `1.1` but not `1` or `latest`, which keep pointing at 1.2.0.
 */
function movesForward(version: SemVer, releases: SemVer[], sameLine: (e: SemVer) => boolean): boolean {
  return !releases.some((e) => sameLine(e) && compare(e, version) > 0);
}

/**
 * Branch and tag names made into a tag as docker/metadata-action does: each run of invalid characters
 * (including "/") becomes "-". A name that would come out as a tag releases own (`latest`, `1`,
 * `1.2`, `1.2.3`, `1.2.3-rc.1`) is prefixed with `branch-` or `tag-`: otherwise pushing a branch
 * named `latest` or `1.2` would move a release's tag to an unreleased build.
 */
function refTag(ref: { kind: "branch" | "tag"; name: string }, given: string): string {
  const tag = ref.name.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[.-]+/, "");
  if (!isValidTag(tag.slice(0, 128))) throw new ArgumentError("ref", `"${given}" has no characters a tag can use ([A-Za-z0-9._-])`);
  return (isReleaseOwnedTag(tag) ? `${ref.kind}-${tag}` : tag).slice(0, 128);
}

/** `latest`, a major (`1`), a major.minor (`1.2`) or a full version tag as versionTags writes them. */
function isReleaseOwnedTag(tag: string): boolean {
  return tag === "latest" || /^\d+(?:\.\d+)?$/.test(tag) || parse(tag)?.version === tag;
}

type Values = Record<Placeholder, { value: string } | { missing: string }>;

function placeholderValues(version: SemVer | undefined, commit: string | undefined, ref: GitRef | undefined, epoch: number | undefined): Values {
  const noVersion = { missing: "no version is known (pass --version or build a release tag such as refs/tags/v1.2.3)" };
  const noCommit = { missing: "no --commit was given" };
  const fromVersion = (pick: (v: SemVer) => string) => (version ? { value: pick(version) } : noVersion);
  return {
    version: fromVersion(fullVersionTag),
    major: fromVersion((v) => String(v.major)),
    minor: fromVersion((v) => String(v.minor)),
    patch: fromVersion((v) => String(v.patch)),
    sha: commit ? { value: commit } : noCommit,
    short_sha: commit ? { value: commit.slice(0, 7) } : noCommit,
    branch: ref?.kind === "branch" ? { value: refTag(ref, ref.name) } : { missing: "the ref is not a branch" },
    date: epoch === undefined ? { missing: "no --source-date-epoch was given" } : { value: yyyymmdd(validateSourceDateEpoch(epoch)) },
  };
}

function renderTemplate(template: string, values: Values): string {
  const tag = template.replace(/\{\{\s*([^{}]*?)\s*\}\}/g, (_, name: string) => {
    if (!isPlaceholder(name)) {
      const known = PLACEHOLDERS.map((p) => `{{${p}}}`).join(", ");
      throw new ArgumentError("tags", `template "${template}" uses {{${name}}}, which is not a placeholder; expected one of ${known}`);
    }
    const slot = values[name];
    if ("missing" in slot) throw new ArgumentError("tags", `template "${template}" needs {{${name}}} but ${slot.missing}`);
    return slot.value;
  });
  if (!isValidTag(tag)) {
    throw new ArgumentError("tags", `template "${template}" gives "${tag}", which is not a valid tag ([A-Za-z0-9_][A-Za-z0-9._-]{0,127})`);
  }
  return tag;
}

function isPlaceholder(name: string): name is Placeholder {
  return (PLACEHOLDERS as readonly string[]).includes(name);
}
