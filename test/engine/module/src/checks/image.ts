// Check 2: the image runs as a non-root user and carries the OCI labels of the release it was built from.
import type { Directory } from "@dagger.io/dagger";

import { expectEqual, expectThat } from "../expect.js";
import { pipelineFacts } from "../pipeline.js";
import { gantry, RELEASE, releaseTime } from "../release.js";

const OCI = "org.opencontainers.image";

export async function checkImage(source: Directory): Promise<string> {
  const facts = await pipelineFacts(source);
  const container = gantry().image({ source, baseImage: "" }).container();
  const user = await container.user();
  const uid = user.split(":")[0] ?? "";
  expectThat(/^[0-9]+$/.test(uid) && Number(uid) !== 0, `the image runs as ${JSON.stringify(user)}, not a numeric non-root uid`);

  const expected: Record<string, string> = {
    [`${OCI}.revision`]: RELEASE.commit,
    [`${OCI}.version`]: RELEASE.version,
    [`${OCI}.created`]: releaseTime(),
    [`${OCI}.title`]: facts.name,
    [`${OCI}.licenses`]: facts.licenses,
  };
  for (const [label, value] of Object.entries(expected)) expectEqual(await container.label(label), value, `label ${label}`);
  return `image: runs as ${user}; labels ${Object.keys(expected).join(", ")} match the release`;
}
