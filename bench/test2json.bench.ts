// go test -json parsing: time for 10k and 100k events (target ≤300 ms for 100k) and peak RSS, each size
// in its own child process so the peaks can be compared: they should not grow with the stream.
// V8's young generation grows with the allocation rate up to its cap (tens of MiB) whatever the parser
// keeps, so each size also runs with it pinned to 1 MiB: that peak is what the parser itself holds
// (per-test records, ~160 bytes a test, and the output of failures).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

import { parseTestJson } from "../core/go/test2json.js";
import { syntheticTestStream } from "./test2json-stream.js";

const TARGET_MS_100K = 300;
const SIZES = [10_000, 100_000, 1_000_000];

interface Figures {
  events: number;
  streamMiB: number;
  parseMs: number;
  rssBeforeMiB: number;
  maxRssMiB: number;
  heapAfterMiB: number;
  tests: number;
  failed: number;
  packages: number;
}

function measureInChild(events: number, nodeFlags: string[] = []): Figures {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const child = spawnSync(process.execPath, [...nodeFlags, "--expose-gc", "--import", "tsx", "bench/test2json-measure.ts", String(events)], {
    cwd: root,
    encoding: "utf8",
  });
  if (child.status !== 0) throw new Error(`test2json-measure ${events} failed:\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split("\n").pop()!) as Figures;
}

/** The way the Dagger module uses it: the whole stdout of go test as one string. */
function wholeTextMs(events: number): number {
  const text = [...syntheticTestStream(events)].join("");
  parseTestJson(text); // warm-up
  const start = performance.now();
  parseTestJson(text);
  return performance.now() - start;
}

export default async function bench(): Promise<void> {
  const mib = (n: number) => `${n.toFixed(1)} MiB`;
  console.log("streamed in 64 KiB chunks, one child process per size and setting:");
  for (const size of SIZES) {
    const f = measureInChild(size);
    const pinned = measureInChild(size, ["--max-semi-space-size=1"]);
    const target = size === 100_000 ? ` (target ≤${TARGET_MS_100K} ms)` : "";
    console.log(
      `  ${f.events.toLocaleString("en-US")} events (${mib(f.streamMiB)}, ${f.packages} packages, ${f.tests.toLocaleString("en-US")} tests, ${f.failed} failed): ` +
        `parse ${f.parseMs.toFixed(0)} ms${target}; peak RSS ${mib(f.maxRssMiB)}, young generation pinned ${mib(pinned.maxRssMiB)} ` +
        `(${mib(pinned.rssBeforeMiB)} before parsing); heap kept after GC ${mib(f.heapAfterMiB)}`,
    );
  }
  console.log("whole text with parseTestJson, in this process:");
  for (const size of SIZES.slice(0, 2)) console.log(`  ${size.toLocaleString("en-US")} events: ${wholeTextMs(size).toFixed(0)} ms`);
}
