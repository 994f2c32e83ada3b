import { describe, expect, it } from "vitest";

import { parseGitFacts, type GitFacts } from "../../../core/git/facts.js";
import { goToolchain } from "../../../core/pipeline/go-settings.js";
import { loadPipeline } from "../../../core/pipeline/load.js";
import { applyOverrides } from "../../../core/pipeline/overrides.js";
import { releaseFor } from "../../../core/pipeline/release.js";
import { isSecretReference, secretUri } from "../../../core/pipeline/secret-reference.js";

const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const facts = (over: Partial<GitFacts> = {}): GitFacts => ({ commit: COMMIT, commitTime: 1_763_769_600, headTags: [], tags: [], shallow: false, ...over });

describe("overrides", () => {
  const pipeline = loadPipeline("test:\n  count: 3\n  race: true\nscan:\n  severities: [CRITICAL]\n", "p.yaml");

  it("replace only what was given, and keep the file's other settings", () => {
    const p = applyOverrides(pipeline, { test: { race: false, run: undefined }, scan: { severities: ["HIGH", "CRITICAL"] } });
    expect(p.test).toMatchObject({ count: 3, race: false, run: "" });
    expect(p.scan.severities).toEqual(["HIGH", "CRITICAL"]);
    expect(pipeline.test.race).toBe(true);
  });

  it("are checked by the same schema as the file, and name the flag", () => {
    expect(() => applyOverrides(pipeline, { test: { count: 0 } })).toThrow(/^--count: Too small/);
    expect(() => applyOverrides(pipeline, { go: { platforms: ["linux"] } })).toThrow(/^--platforms: expected os\/arch/);
    expect(() => applyOverrides(pipeline, { test: { timeout: "soon" } })).toThrow(/^--timeout: expected a Go duration/);
  });
});

describe("the release", () => {
  it("comes from git: the release tag at HEAD, the commit and its time", () => {
    const r = releaseFor({}, facts({ headTags: ["v1.2.3"], branch: "main" }));
    expect(r).toMatchObject({ ref: "refs/tags/v1.2.3", version: "1.2.3", commit: COMMIT, sourceDateEpoch: 1_763_769_600, date: "2025-11-22T00:00:00Z" });
  });

  it("takes the branch when no release tag points at HEAD, and no ref on a detached HEAD", () => {
    expect(releaseFor({}, facts({ branch: "feature/x", headTags: ["nightly"] })).ref).toBe("refs/heads/feature/x");
    expect(releaseFor({}, facts()).ref).toBeUndefined();
  });

  it("does not take a head tag vv1.2.3 for a release (default-branch stages were skipped on main)", () => {
    const r = releaseFor({}, facts({ branch: "main", headTags: ["vv1.2.3", "V1.2.3", "release-1.2.3"] }));
    expect(r.ref).toBe("refs/heads/main");
    expect(r.version).toBeUndefined();
    expect(releaseFor({}, facts({ tags: ["vv1.2.3", "v1.2.3", "1.3.0"] })).releasedVersions()).toEqual(["v1.2.3", "1.3.0"]);
  });

  it("prefers the newest of several release tags at HEAD", () => {
    expect(releaseFor({}, facts({ headTags: ["v1.2.9", "v1.10.0", "v1.9.0"] })).ref).toBe("refs/tags/v1.10.0");
  });

  it("lets the caller override every part", () => {
    const r = releaseFor({ ref: "refs/pull/12/merge", commit: "abcdef1", sourceDateEpoch: 5 }, facts({ headTags: ["v1.0.0"] }));
    expect(r).toMatchObject({ ref: "refs/pull/12/merge", commit: "abcdef1", sourceDateEpoch: 5 });
    expect(r.version).toBeUndefined();
  });

  it("lists released versions from the tags, refuses a shallow clone, and refuses to guess without git", () => {
    expect(releaseFor({}, facts({ tags: ["v1.0.0", "v1.1.0", "docs"] })).releasedVersions()).toEqual(["v1.0.0", "v1.1.0"]);
    expect(() => releaseFor({}, facts({ shallow: true })).releasedVersions()).toThrow(/fetch-depth: 0/);
    expect(() => releaseFor({}, undefined).releasedVersions()).toThrow(/--released-versions/);
    expect(releaseFor({ releasedVersions: ["v2.0.0"] }, facts({ shallow: true })).releasedVersions()).toEqual(["v2.0.0"]);
  });

  it("refuses git output it cannot read", () => {
    expect(() => parseGitFacts("fatal: not a git repository\n")).toThrow(/could not read the commit from git/);
    expect(parseGitFacts(`commit=${COMMIT}\ntime=1763769600\nbranch=\nshallow=false\nhead-tag=v1.0.0\ntag=v1.0.0\n`)).toEqual(
      facts({ headTags: ["v1.0.0"], tags: ["v1.0.0"] }),
    );
  });
});

describe("the Go toolchain", () => {
  const mod = { module: "example.com/api", go: "1.26.0" };
  it("is golang:<minor> from go.mod, the pipeline's image, or none of the caches with noCache", () => {
    expect(goToolchain(loadPipeline("", "p.yaml").go, mod)).toMatchObject({
      image: "golang:1.26",
      caches: { module: "gantry-go-mod", build: "gantry-go-build" },
    });
    expect(goToolchain(loadPipeline("go:\n  image: mirror/golang:1.26.3\n  noCache: true\n", "p.yaml").go, mod)).toMatchObject({
      image: "mirror/golang:1.26.3",
      caches: undefined,
    });
    expect(goToolchain(loadPipeline("go:\n  version: '1.25'\n", "p.yaml").go, mod).image).toBe("golang:1.25");
  });
});

describe("secret references", () => {
  it("accept Dagger's providers and refuse plain values", () => {
    for (const ok of ["env:TOKEN", "env://TOKEN", "file:~/.netrc", "cmd:pass show x", "op://vault/item/field", "vault://kv/app.token", "libsecret://login/x"])
      expect(isSecretReference(ok), ok).toBe(true);
    for (const bad of ["hunter2", "ghp_abc123", "env:", "https://example.com", "TOKEN"]) expect(isSecretReference(bad), bad).toBe(false);
    expect(secretUri("env:TOKEN")).toBe("env://TOKEN");
    expect(secretUri("op://vault/item/field")).toBe("op://vault/item/field");
  });
});
