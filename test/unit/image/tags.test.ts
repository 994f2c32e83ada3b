import { describe, expect, it } from "vitest";
import { computeTags, type TagInput } from "../../../core/image/tags.js";
import { expectArgumentError } from "./argument-error.js";

const COMMIT = "abcdef1234567890abcdef1234567890abcdef12";
// 2024-05-06T12:53:20Z
const EPOCH = 1_715_000_000;

describe("computeTags from refs", () => {
  it.each<[string, TagInput, string[]]>([
    ["release tag", { ref: "refs/tags/v1.2.3" }, ["1.2.3", "1.2", "1", "latest"]],
    ["release tag with commit", { ref: "refs/tags/v1.2.3", commit: COMMIT }, ["1.2.3", "1.2", "1", "latest", "sha-abcdef1"]],
    ["tag without v", { ref: "refs/tags/2.0.0" }, ["2.0.0", "2.0", "2", "latest"]],
    ["bare version", { ref: "v3.1.4" }, ["3.1.4", "3.1", "3", "latest"]],
    ["prerelease: full tag only", { ref: "refs/tags/v1.2.3-rc.1" }, ["1.2.3-rc.1"]],
    ["build metadata: + becomes -, short tags from the version", { ref: "refs/tags/v1.2.3+build.5" }, ["1.2.3-build.5", "1.2", "1", "latest"]],
    ["prerelease with build metadata", { ref: "refs/tags/v1.2.3-rc.1+build.5" }, ["1.2.3-rc.1-build.5"]],
    ["major 0 still gets 0.x and 0", { ref: "refs/tags/v0.4.1" }, ["0.4.1", "0.4", "0", "latest"]],
    ["tag that is not semver", { ref: "refs/tags/release-2024.05" }, ["release-2024.05"]],
    ["two-part version tag is a plain tag", { ref: "refs/tags/v1.2" }, ["v1.2"]],
    ["branch", { ref: "refs/heads/main" }, ["main"]],
    ["branch with slashes", { ref: "refs/heads/feature/login/form" }, ["feature-login-form"]],
    ["bare branch name", { ref: "feature/x" }, ["feature-x"]],
    ["unicode runs become one dash", { ref: "refs/heads/feature/über-cool" }, ["feature-ber-cool"]],
    ["emoji and case kept apart from invalid characters", { ref: "refs/heads/Fix/Émoji🚀" }, ["Fix-moji-"]],
    ["leading dots and dashes stripped", { ref: "refs/heads/.-hidden" }, ["hidden"]],
    ["dependabot branch", { ref: "refs/heads/dependabot/go_modules/golang.org/x/net-0.38.0" }, ["dependabot-go_modules-golang.org-x-net-0.38.0"]],
    ["long branch truncated to 128", { ref: `refs/heads/${"b".repeat(200)}` }, ["b".repeat(128)]],
    ["pull request merge ref", { ref: "refs/pull/12/merge", commit: COMMIT }, ["pr-12", "sha-abcdef1"]],
    ["pull request head ref", { ref: "refs/pull/7/head" }, ["pr-7"]],
    ["GITHUB_REF_NAME of a pull request", { ref: "12/merge" }, ["pr-12"]],
    ["detached HEAD", { ref: "HEAD", commit: COMMIT }, ["sha-abcdef1"]],
    ["commit only", { commit: COMMIT }, ["sha-abcdef1"]],
    ["uppercase commit is lowercased", { commit: COMMIT.toUpperCase() }, ["sha-abcdef1"]],
    ["abbreviated commit", { commit: "ABCDEF1" }, ["sha-abcdef1"]],
    ["nothing known", {}, []],
    ["explicit version wins over a tag ref", { ref: "refs/tags/v1.0.0", version: "2.0.0" }, ["2.0.0", "2.0", "2", "latest"]],
    [
      "explicit version on a branch keeps the branch tag",
      { ref: "refs/heads/main", version: "v1.2.3", commit: COMMIT },
      ["1.2.3", "1.2", "1", "latest", "main", "sha-abcdef1"],
    ],
  ])("%s", (_, input, expected) => {
    expect(computeTags(input)).toEqual(expected);
  });
});

describe("computeTags: a moving tag only moves forward", () => {
  it.each<[string, string, string[], string[]]>([
    ["newest release takes every moving tag", "1.3.0", ["1.2.0", "1.2.9", "0.9.0"], ["1.3.0", "1.3", "1", "latest"]],
    ["hotfix on an older minor keeps 1 and latest on the newer one", "1.2.4", ["1.3.0"], ["1.2.4", "1.2"]],
    ["older patch moves nothing", "1.2.4", ["1.2.5"], ["1.2.4"]],
    ["older major keeps latest on the newer major", "1.9.0", ["2.0.0"], ["1.9.0", "1.9", "1"]],
    ["rebuild of the newest release keeps everything", "1.2.3", ["1.2.3", "1.1.0"], ["1.2.3", "1.2", "1", "latest"]],
    ["prereleases in the registry do not hold latest back", "1.5.0", ["2.0.0-rc.1"], ["1.5.0", "1.5", "1", "latest"]],
    ["versions compare numerically, other tags are ignored", "1.10.0", ["latest", "main", "sha-abc1234", "v1.9.0", "1.2"], ["1.10.0", "1.10", "1", "latest"]],
    ["build metadata does not order versions", "1.2.3+build.5", ["1.2.3+build.9"], ["1.2.3-build.5", "1.2", "1", "latest"]],
    ["a prerelease never gets latest", "3.0.0-beta.1", [], ["3.0.0-beta.1"]],
  ])("%s", (_, version, existingVersions, expected) => {
    expect(computeTags({ version, existingVersions })).toEqual(expected);
  });
});

describe("computeTags templates", () => {
  it("fills version, commit and date placeholders, spaces allowed inside braces", () => {
    const tags = computeTags({
      version: "1.2.3",
      commit: COMMIT,
      sourceDateEpoch: EPOCH,
      templates: ["v{{version}}", "{{major}}.{{minor}}-alpine", "p{{ patch }}", "{{sha}}", "git-{{short_sha}}", "nightly-{{date}}"],
    });
    expect(tags).toEqual(["1.2.3", "1.2", "1", "latest", "sha-abcdef1", "v1.2.3", "1.2-alpine", "p3", COMMIT, "git-abcdef1", "nightly-20240506"]);
  });

  it("uses the sanitized branch", () => {
    expect(computeTags({ ref: "refs/heads/feature/x", sourceDateEpoch: EPOCH, templates: ["{{branch}}-{{date}}"] })).toEqual([
      "feature-x",
      "feature-x-20240506",
    ]);
  });

  it("drops templates that repeat a computed tag", () => {
    expect(computeTags({ version: "1.2.3", templates: ["{{version}}", "latest", "{{major}}"] })).toEqual(["1.2.3", "1.2", "1", "latest"]);
  });

  it("is the same on every run: {{date}} comes from the commit time, not the clock", () => {
    const input = { ref: "refs/heads/main", commit: COMMIT, sourceDateEpoch: EPOCH, templates: ["{{branch}}-{{date}}-{{short_sha}}"] };
    expect(computeTags(input)).toEqual(computeTags(structuredClone(input)));
  });
});

describe("computeTags rejects bad input, naming the argument", () => {
  it.each(["1.2", "v1", "latest", "1.2.3.4", " 1.2.3", "01.2.3", "", "1.2.3-"])("version %j", (version) => {
    expectArgumentError(() => computeTags({ version }), "version", /expected MAJOR\.MINOR\.PATCH/);
  });

  it("version too long for a tag", () => {
    expectArgumentError(() => computeTags({ version: `1.2.3-${"a".repeat(130)}` }), "version", /128/);
    expectArgumentError(() => computeTags({ ref: `refs/tags/v1.2.3-${"a".repeat(130)}` }), "ref", /128/);
  });

  it.each(["xyz1234", "abc12", "a".repeat(41), "abcdef1 "])("commit %j", (commit) => {
    expectArgumentError(() => computeTags({ commit }), "commit", /7 to 40 hex/);
  });

  it("refs Gantry cannot tag", () => {
    expectArgumentError(() => computeTags({ ref: "refs/notes/commits" }), "ref", /refs\/tags\/<tag>/);
    expectArgumentError(() => computeTags({ ref: "refs/heads/ü" }), "ref", /no characters a tag can use/);
  });

  it.each<[string, TagInput, RegExp]>([
    ["unknown placeholder", { version: "1.2.3", templates: ["{{tag}}"] }, /\{\{tag\}\}, which is not a placeholder; expected one of \{\{version\}\}/],
    ["version unknown", { ref: "refs/heads/main", templates: ["{{major}}"] }, /needs \{\{major\}\} but no version is known/],
    ["no commit", { templates: ["{{short_sha}}"] }, /needs \{\{short_sha\}\} but no --commit/],
    ["branch on a pull request", { ref: "refs/pull/3/merge", templates: ["{{branch}}"] }, /the ref is not a branch/],
    ["date without commit time", { templates: ["{{date}}"] }, /no --source-date-epoch/],
    ["result is not a tag", { version: "1.2.3", templates: ["{{version}}+x"] }, /gives "1\.2\.3\+x", which is not a valid tag/],
    ["empty template", { templates: [""] }, /gives "", which is not a valid tag/],
    ["unclosed placeholder", { version: "1.2.3", templates: ["{{version"] }, /not a valid tag/],
  ])("template: %s", (_, input, problem) => {
    expectArgumentError(() => computeTags(input), "tags", problem);
  });

  it("commit time that is not whole seconds", () => {
    expectArgumentError(() => computeTags({ sourceDateEpoch: 1.5, templates: ["{{date}}"] }), "sourceDateEpoch", /whole Unix seconds/);
  });
});

describe("computeTags: a branch or plain git tag never takes a tag a release owns", () => {
  it.each<[string, TagInput, string[]]>([
    ["branch latest", { ref: "refs/heads/latest" }, ["branch-latest"]],
    ["branch 1", { ref: "refs/heads/1" }, ["branch-1"]],
    ["branch 1.2", { ref: "refs/heads/1.2" }, ["branch-1.2"]],
    ["branch 1.2.3", { ref: "refs/heads/1.2.3" }, ["branch-1.2.3"]],
    ["branch named like a prerelease", { ref: "refs/heads/1.2.3-rc.1" }, ["branch-1.2.3-rc.1"]],
    ["branch that only sanitizes to a version", { ref: "refs/heads/.1.2" }, ["branch-1.2"]],
    ["bare branch name latest", { ref: "latest" }, ["branch-latest"]],
    ["git tag latest", { ref: "refs/tags/latest" }, ["tag-latest"]],
    ["git tag 1.2 (not semver)", { ref: "refs/tags/1.2" }, ["tag-1.2"]],
    ["release version built on branch latest", { ref: "refs/heads/latest", version: "1.2.3" }, ["1.2.3", "1.2", "1", "latest", "branch-latest"]],
    ["other branches keep their name", { ref: "refs/heads/v1.2" }, ["v1.2"]],
    ["a long branch still fits 128 characters", { ref: `refs/heads/${"1".repeat(200)}` }, [`branch-${"1".repeat(121)}`]],
  ])("%s", (_, input, expected) => {
    expect(computeTags(input)).toEqual(expected);
  });

  it("applies to {{branch}} in templates", () => {
    expect(computeTags({ ref: "refs/heads/latest", templates: ["{{branch}}"] })).toEqual(["branch-latest"]);
  });
});
