// Check 5: publish pushes every tag it reports, all of them to one digest, and the registry agrees.
import type { Directory, Secret } from "@dagger.io/dagger";

import { expectEqual, expectThat } from "../expect.js";
import { parsePushedRef } from "../parse.js";
import { gantry, RELEASE } from "../release.js";
import { craneAt, REGISTRY_HOST, REGISTRY_PORT, registryService } from "./registry.js";

export const EXTRA_TAGS = ["a", "b"];

/** Pushes the image to a fresh registry service and returns what publish reported. */
export async function publishToTestRegistry(source: Directory, password?: Secret) {
  const registry = registryService();
  const repository = `${REGISTRY_HOST}:${REGISTRY_PORT}/hello-api`;
  const refs = await gantry().publish({
    source,
    repository,
    tags: EXTRA_TAGS,
    releasedVersions: [...RELEASE.releasedVersions],
    registry,
    ...(password ? { username: "engine-test", password } : {}),
  });
  return { registry, repository, refs };
}

export async function checkPublish(source: Directory): Promise<string> {
  const { registry, repository, refs } = await publishToTestRegistry(source);
  const pushed = refs.map((r) => parsePushedRef(r, repository));
  const digests = new Set(pushed.map((p) => p.digest));
  expectEqual(digests.size, 1, `distinct digests among ${refs.join(", ")}`);
  for (const tag of EXTRA_TAGS)
    expectThat(
      pushed.some((p) => p.tag === tag),
      `publish did not push --tags ${tag}: ${refs.join(", ")}`,
    );
  const [digest] = [...digests];
  const crane = craneAt(registry);
  for (const { tag } of pushed) {
    const resolved = (await crane.withExec(["digest", "--insecure", `${repository}:${tag}`], { useEntrypoint: true }).stdout()).trim();
    expectEqual(resolved, digest, `registry's digest of ${repository}:${tag}`);
  }
  return `publish: ${pushed.map((p) => p.tag).join(", ")} all resolve to ${digest} in the registry`;
}
