// Check 7: a secret's value never appears in what Gantry returns or produces: publish's references,
// the test and scan reports and summaries, and every layer of the image tarball.
import { dag, type Directory } from "@dagger.io/dagger";

import { expectThat, nonce } from "../expect.js";
import { gantry } from "../release.js";
import { alpineWith, runScript } from "../tools.js";
import { publishToTestRegistry } from "./publish.js";

// Lists every file under /out, and every blob of the image layout (layers decompressed), that holds
// $CANARY; prints names only, never the matching text.
const SEARCH = `
set -u
grep -rlF -- "$CANARY" /out || true
mkdir -p /layout && tar -xf /out/image.tar -C /layout
for blob in /layout/blobs/sha256/*; do
  if gzip -t "$blob" 2>/dev/null; then
    gzip -dc "$blob" | grep -qF -- "$CANARY" && echo "layer $(basename "$blob")"
  fi
done
true
`;

export async function checkSecrets(source: Directory): Promise<string> {
  const value = `gantry-engine-test-canary-${nonce()}`;
  const secret = dag.setSecret(`gantry-engine-test-canary-${nonce()}`, value);

  const { refs } = await publishToTestRegistry(source, secret);
  const tests = gantry().test({ source });
  const scan = gantry().scan({ source });
  const image = gantry().image({ source, baseImage: "" });
  const produced = dag
    .directory()
    .withDirectory("test-reports", tests.reports())
    .withDirectory("scan-reports", scan.reports({ imageName: "registry:5000/hello-api:engine-test", category: "" }))
    .withFile("image.tar", image.tarball());
  const strings = [...refs, await tests.summary(), await scan.summary(), await scan.markdown()];

  expectThat(!strings.some((s) => s.includes(value)), "the secret's value appears in a string Gantry returned");
  const found = await runScript(alpineWith("tar", "gzip").withMountedDirectory("/out", produced).withSecretVariable("CANARY", secret), SEARCH);
  expectThat(found.code === 0 && found.output === "", `the secret's value appears in: ${found.output || `(search failed with ${found.code})`}`);
  return `secrets: the planted value is in none of ${strings.length} returned strings, the test and scan reports or the image's layers`;
}
