// Check 3: two clean builds of one commit give one digest.
import type { Directory } from "@dagger.io/dagger";

import { expectEqual, expectThat, nonce } from "../expect.js";
import { pipelineFacts } from "../pipeline.js";
import { gantry } from "../release.js";

// Each build gets the repository plus a file of its own under the Go module's testdata/: the build
// copies the module directory, so its input (and every step's cache key from there on) differs and
// the engine compiles and assembles again instead of serving the first result. `go build` never reads
// testdata/ and the image holds only the binary, so the file cannot reach the image.
function freshSource(source: Directory, goModule: string): Directory {
  return source.withNewFile(`${goModule}/testdata/engine-test-nonce.txt`, nonce());
}

export async function checkReproducible(source: Directory): Promise<string> {
  const { goModule } = await pipelineFacts(source);
  const first = await gantry()
    .image({ source: freshSource(source, goModule), baseImage: "" })
    .digest();
  const second = await gantry()
    .image({ source: freshSource(source, goModule), baseImage: "" })
    .digest();
  expectThat(/^sha256:[0-9a-f]{64}$/.test(first), `digest: ${JSON.stringify(first)} is not sha256:<64 hex>`);
  expectEqual(second, first, "the second clean build's digest");
  return `reproducible: two clean builds give ${first}`;
}
