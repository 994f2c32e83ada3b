// Child process of test2json.bench.ts: streams N synthetic events through TestEventParser in 64 KiB
// chunks (the stream is never held whole) and prints one JSON line of figures. Run alone, so its
// peak RSS belongs to this size only.
import { TestEventParser } from "../core/go/test2json.js";
import { syntheticTestStream } from "./test2json-stream.js";

const events = Number(process.argv[2]);
if (!Number.isInteger(events) || events <= 0) throw new Error("usage: test2json-measure.ts <events>");

const CHUNK_CHARS = 64 * 1024;
const rssBefore = process.memoryUsage().rss;
const parser = new TestEventParser();
let parseNs = 0n;
let chars = 0;
let lines = 0;
let batch: string[] = [];
let batchChars = 0;

const feed = (chunk: string) => {
  const start = process.hrtime.bigint();
  parser.write(chunk);
  parseNs += process.hrtime.bigint() - start;
};

for (const line of syntheticTestStream(events)) {
  lines++;
  chars += line.length;
  batch.push(line);
  batchChars += line.length;
  if (batchChars >= CHUNK_CHARS) {
    feed(batch.join(""));
    batch = [];
    batchChars = 0;
  }
}
feed(batch.join(""));
const start = process.hrtime.bigint();
const report = parser.end();
parseNs += process.hrtime.bigint() - start;

globalThis.gc?.();
console.log(
  JSON.stringify({
    events: lines,
    streamMiB: chars / 2 ** 20,
    parseMs: Number(parseNs) / 1e6,
    rssBeforeMiB: rssBefore / 2 ** 20,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    heapAfterMiB: process.memoryUsage().heapUsed / 2 ** 20,
    tests: report.totals.tests,
    failed: report.totals.failed,
    packages: report.totals.packages,
  }),
);
