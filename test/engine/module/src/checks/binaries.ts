// Check 1: `build` gives one static, stripped binary per platform of the pipeline file, and the one
// for the engine's own platform runs and prints the version it was stamped with.
import { dag, type Directory } from "@dagger.io/dagger";

import { expectThat } from "../expect.js";
import { pipelineFacts } from "../pipeline.js";
import { gantry, RELEASE } from "../release.js";
import { alpineWith, ALPINE_IMAGE } from "../tools.js";

/** What `file` calls each GOARCH. */
const FILE_ARCH: Record<string, string> = {
  amd64: "x86-64",
  arm64: "ARM aarch64",
  arm: "ARM",
  "386": "Intel 80386",
  riscv64: "RISC-V",
  ppc64le: "64-bit PowerPC",
  s390x: "IBM S/390",
};

/** The binary's name in build's Directory: <name>_<os>_<arch> (core/go/build-plan.ts). */
const binaryName = (name: string, platform: string) => `${name}_${platform.replace("/", "_")}`;

export async function checkBinaries(source: Directory): Promise<string> {
  const facts = await pipelineFacts(source);
  const dist = gantry().build({ source });
  const entries = await dist.entries();
  const expected = facts.platforms.map((p) => binaryName(facts.name, p));
  expectThat(
    expected.every((e) => entries.includes(e)),
    `build: expected ${expected.join(", ")}, got ${entries.join(", ")}`,
  );

  const described = alpineWith("file").withMountedDirectory("/dist", dist);
  for (const platform of facts.platforms) {
    const description = await described.withExec(["file", "-b", `/dist/${binaryName(facts.name, platform)}`]).stdout();
    const arch = FILE_ARCH[platform.split("/")[1]!] ?? platform;
    expectThat(description.includes(arch), `${platform}: not a ${arch} binary: ${description}`);
    expectThat(/statically linked/.test(description), `${platform}: not statically linked: ${description}`);
    expectThat(/(^|, )stripped/.test(description) && !/not stripped/.test(description), `${platform}: not stripped: ${description}`);
  }

  const native = await dag.defaultPlatform();
  expectThat(facts.platforms.includes(native), `the engine's platform ${native} is not among the pipeline's ${facts.platforms.join(", ")}`);
  const printed = await dag
    .container()
    .from(ALPINE_IMAGE)
    .withFile("/usr/local/bin/service", dist.file(binaryName(facts.name, native)))
    .withExec(["/usr/local/bin/service", "--version"])
    .stdout();
  expectThat(
    printed.includes(`${facts.name} ${RELEASE.version}`),
    `${native} binary --version: expected "${facts.name} ${RELEASE.version}", got ${JSON.stringify(printed.trim())}`,
  );
  return `binaries: ${expected.join(", ")} static and stripped; ${native} prints ${facts.name} ${RELEASE.version}`;
}
