// Check 7: a secret's value never appears in what Gantry returns or produces: publish's references,
// the test and scan reports and summaries, and every layer of the image tarball.
import { dag, type Directory } from "@dagger.io/dagger";

import { expectThat, nonce } from "../expect.js";
import { gantry } from "../release.js";
import { alpineWith, runScript } from "../tools.js";
import { publishToTestRegistry } from "./publish.js";
import { SECRET_SEARCH_SCRIPT } from "./secret-search.js";

export async function checkSecrets(source: Directory): Promise<string> {
  const value = `gantry-engine-test-canary-${nonce()}`;
  const secret = dag.setSecret(`gantry-engine-test-canary-${nonce()}`, value);

  const { refs } = await publishToTestRegistry(source, secret);
  const tests = gantry().test({ source });
  const scan = gantry().scan({ source, imageName: "registry:5000/hello-api:engine-test", sarifCategory: "" });
  const image = gantry().image({ source, baseImage: "" });
  const produced = dag
    .directory()
    .withDirectory("test-reports", tests.reports())
    .withDirectory("scan-reports", scan.reports())
    .withFile("image.tar", image.tarball());
  const strings = [...refs, await tests.summary(), await scan.summary(), await scan.markdown()];

  expectThat(!strings.some((s) => s.includes(value)), "the secret's value appears in a string Gantry returned");
  const searcher = alpineWith("tar", "gzip")
    .withMountedDirectory("/out", produced)
    .withEnvVariable("OUT", "/out")
    .withEnvVariable("LAYOUT", "/layout")
    .withSecretVariable("CANARY", secret);
  const found = await runScript(searcher, SECRET_SEARCH_SCRIPT);
  expectThat(found.code === 0 && found.output === "", `the secret's value appears in: ${found.output || `(search failed with ${found.code})`}`);
  return `secrets: the planted value is in none of ${strings.length} returned strings, the test and scan reports or the image's layers`;
}
