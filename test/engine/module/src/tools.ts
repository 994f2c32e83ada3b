// Pinned third-party images the checks run, and small helpers around them.
import { dag, ReturnType, type Container } from "@dagger.io/dagger";

/** The Alpine Gantry's own alpine base uses; has apk for file, xmllint. */
export const ALPINE_IMAGE = "alpine:3.22";
/** go-containerregistry's crane, the version Gantry pushes with. */
export const CRANE_IMAGE = "gcr.io/go-containerregistry/crane:v0.21.9";
/** The CNCF distribution registry. */
export const REGISTRY_IMAGE = "registry:3.0.0";

/** Alpine with the given packages. */
export function alpineWith(...packages: string[]): Container {
  return dag
    .container()
    .from(ALPINE_IMAGE)
    .withExec(["apk", "add", "--no-cache", ...packages]);
}

/** Runs a shell script and returns its exit code and output, whatever the code. */
export async function runScript(container: Container, script: string): Promise<{ code: number; output: string }> {
  const ran = container.withExec(["sh", "-c", script], { expect: ReturnType.Any });
  return { code: await ran.exitCode(), output: `${await ran.stdout()}${await ran.stderr()}`.trim() };
}
