import { dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { scanRepository, scanSource } from "./host-paths.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url)).replace(/\/$/, "");

describe("tests, bench and scripts read nothing outside the repository", () => {
  it("no file under test/, bench/ or scripts/ names a host path outside the root", () => {
    const escapes = scanRepository(ROOT, ["test", "bench", "scripts"]).map((e) => `${relative(ROOT, e.file)}:${e.line}: ${e.path}`);
    expect(escapes).toEqual([]);
  });
});

describe("the host-path check", () => {
  const file = `${ROOT}/test/unit/go/example.test.ts`;
  const scan = (text: string, name = file) => scanSource(name, text, ROOT).map((e) => e.path);

  it("flags a fixture URL that climbs out of the root", () => {
    expect(scan(`const f = new URL("../../../../elsewhere/fixtures/gotest/", import.meta.url);`)).toEqual(["../../../../elsewhere/fixtures/gotest/"]);
  });

  it("accepts a relative URL or import that stays inside", () => {
    expect(scan(`import { x } from "../../../core/errors.js";\nconst f = new URL("../../fixtures/gotest/", import.meta.url);`)).toEqual([]);
  });

  it("flags an import that leaves the root", () => {
    // test/unit/go/ is three levels below the root, so four ".." leave it wherever the clone is.
    expect(scan(`import { x } from "../../../../elsewhere/src/index.js";`)).toEqual(["../../../../elsewhere/src/index.js"]);
  });

  it("accepts system paths read on the host", () => {
    expect(scan('readFileSync(`/proc/${pid}/stat`);\nreadFileSync("/etc/os-release");')).toEqual([]);
  });

  it("flags absolute host paths read through fs, file: URLs and cwd options", () => {
    const beside = `${dirname(ROOT)}/elsewhere`;
    expect(scan(`readFileSync("${beside}/fixtures/x.json");\nconst u = new URL("file://${beside}/x");\nspawn("go", [], { cwd: "/home/me/gantry" });`)).toEqual([
      `${beside}/fixtures/x.json`,
      `file://${beside}/x`,
      "/home/me/gantry",
    ]);
  });

  it("anchors join/resolve at the first literal argument", () => {
    expect(scan(`join("..", "elsewhere");\njoin(dbDir, "..", "db.tar.gz");\nresolve("test", "fixtures");\npath.join("/home", "x");\nparts.join("/");`)).toEqual(
      ["..,elsewhere".replace(",", "/"), "/home/x"],
    );
  });

  it("does not flag data: a container path handed to a plan or a refused package pattern", () => {
    expect(scan(`planAttest({ predicate: "/work/sbom.json" });\nexpect(() => planTest({ packages: ["../x/..."] })).toThrow();`)).toEqual([]);
  });

  it("flags a shell script that leaves the root, relative or absolute, but not system paths", () => {
    const script = `${ROOT}/scripts/x.sh`;
    const beside = `${dirname(ROOT)}/shared/b`;
    const text = `ROOT="$(cd "$(dirname "$0")/.." && pwd)"\ncp "$ROOT/../elsewhere/a" .\ncat ${beside} > /dev/null\ncd ../..\nopenssl req -subj "/CN=ca"\ncurl --raw /readyz\ncat "$ROOT/test/x"`;
    expect(scan(text, script)).toEqual(["$ROOT/../elsewhere/a", beside, "../.."]);
  });
});
