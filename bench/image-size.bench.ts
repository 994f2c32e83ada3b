// Image size per base against the target "binary size + at most 2.5 MiB" (distroless, scratch).
// It needs a Dagger engine, so it runs in GitHub Actions; elsewhere it prints why it did not run.
import { daggerCallOk, exampleDir, skipReason } from "../test/engine/engine.js";

export default async function imageSize(): Promise<void> {
  if (skipReason) {
    console.log(`image size: not measured: ${skipReason}`);
    return;
  }
  const binary = Number(await daggerCallOk(["--source", exampleDir, "build", "--platforms", "linux/amd64", "file", "--path", "hello-api_linux_amd64", "size"]));
  console.log(`binary: ${(binary / 1048576).toFixed(2)} MiB`);
  for (const base of ["distroless", "scratch", "alpine"]) {
    const tarball = Number(await daggerCallOk(["--source", exampleDir, "--base", base, "tarball", "--platforms", "linux/amd64", "size"]));
    const overhead = (tarball - binary) / 1048576;
    console.log(`${base}: image tarball ${(tarball / 1048576).toFixed(2)} MiB, binary + ${overhead.toFixed(2)} MiB (target for distroless/scratch: +2.5 MiB)`);
  }
}
