// The release-identity script run by the real git, on repositories made by the test: the same argv
// the Dagger layer runs in the toolchain container.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { gitFactsArgv, parseGitFacts, refFromGit, releasedVersions } from "../../core/git/facts.js";
import { runArgv } from "../support/run.js";

const env = {
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@example.com",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@example.com",
  GIT_AUTHOR_DATE: "1763769600 +0000",
  GIT_COMMITTER_DATE: "1763769600 +0000",
};

async function git(dir: string, ...args: string[]): Promise<string> {
  const ran = await runArgv(["git", "-c", "init.defaultBranch=main", ...args], { cwd: dir, env });
  if (ran.status !== 0) throw new Error(`git ${args.join(" ")}: ${ran.stderr}`);
  return ran.stdout.trim();
}

async function facts(dir: string) {
  const ran = await runArgv(gitFactsArgv(dir), { cwd: tmpdir() });
  expect(ran.stderr).toBe("");
  return parseGitFacts(ran.stdout);
}

async function repository(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "gantry-git-"));
  await git(dir, "init", "-q");
  writeFileSync(join(dir, "go.mod"), "module example.com/x\n\ngo 1.26\n");
  await git(dir, "add", ".");
  await git(dir, "commit", "-qm", "first");
  return dir;
}

describe("release identity from git (real git)", () => {
  it("reads the commit, its time, the branch and the tags", async () => {
    const dir = await repository();
    await git(dir, "tag", "v1.0.0");
    writeFileSync(join(dir, "a.go"), "package x\n");
    await git(dir, "add", ".");
    await git(dir, "commit", "-qm", "second");
    await git(dir, "tag", "v1.1.0");
    await git(dir, "tag", "not-a-version");
    const f = await facts(dir);
    expect(f.commit).toBe(await git(dir, "rev-parse", "HEAD"));
    expect(f.commitTime).toBe(1763769600);
    expect(f.branch).toBe("main");
    expect(f.headTags.sort()).toEqual(["not-a-version", "v1.1.0"]);
    expect(refFromGit(f)).toBe("refs/tags/v1.1.0");
    expect(releasedVersions(f).sort()).toEqual(["v1.0.0", "v1.1.0"]);
  });

  it("knows no ref on a detached HEAD without a release tag (a CI checkout of a pull request)", async () => {
    const dir = await repository();
    await git(dir, "checkout", "-q", "--detach");
    const f = await facts(dir);
    expect(f.branch).toBeUndefined();
    expect(refFromGit(f)).toBeUndefined();
  });

  it("refuses to list released versions from a shallow clone, naming the fix", async () => {
    const origin = await repository();
    await git(origin, "tag", "v1.0.0");
    writeFileSync(join(origin, "b.go"), "package x\n");
    await git(origin, "add", ".");
    await git(origin, "commit", "-qm", "second");
    const clone = mkdtempSync(join(tmpdir(), "gantry-git-shallow-"));
    await git(clone, "clone", "-q", "--depth", "1", `file://${origin}`, ".");
    const f = await facts(clone);
    expect(f.shallow).toBe(true);
    expect(() => releasedVersions(f)).toThrow(/fetch-depth: 0.*GIT_DEPTH: 0/);
  });
});
