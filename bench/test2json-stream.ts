// A synthetic `go test -json` stream shaped like a real service's: several packages, parallel tests
// (pause/cont), subtests, t.Log output, a few failures and skips, coverage and summary lines.

/** Deterministic, so every run of the benchmark parses the same stream. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const AREAS = ["handler", "store", "auth", "billing", "queue", "cache", "config", "metrics"];

/** Yields one JSON line at a time (with its newline) until at least `events` events were written. */
export function* syntheticTestStream(events: number, seed = 42): Generator<string> {
  const rand = random(seed);
  let written = 0;
  let clock = Date.UTC(2025, 2, 10, 10, 0, 0);
  const line = (fields: Record<string, unknown>): string => {
    written++;
    clock += 0.02;
    const time = new Date(clock).toISOString().replace("Z", "123456Z");
    return JSON.stringify({ Time: time, ...fields }) + "\n";
  };

  for (let p = 0; written < events; p++) {
    const pkg = `example.com/shop/internal/${AREAS[p % AREAS.length]}${Math.floor(p / AREAS.length)}`;
    const file = `${AREAS[p % AREAS.length]}_test.go`;
    const out = (test: string | undefined, output: string) => line({ Action: "output", Package: pkg, Test: test, Output: output });
    let packageFailed = false;
    yield line({ Action: "start", Package: pkg });
    const tests = 20 + Math.floor(rand() * 40);
    for (let t = 0; t < tests; t++) {
      const name = `Test${AREAS[(p + t) % AREAS.length]!.replace(/^./, (c) => c.toUpperCase())}Case${t}`;
      const roll = rand();
      const status = roll < 0.03 ? "fail" : roll < 0.05 ? "skip" : "pass";
      yield line({ Action: "run", Package: pkg, Test: name });
      yield out(name, `=== RUN   ${name}\n`);
      if (rand() < 0.3) {
        yield out(name, `=== PAUSE ${name}\n`);
        yield line({ Action: "pause", Package: pkg, Test: name });
        yield line({ Action: "cont", Package: pkg, Test: name });
        yield out(name, `=== CONT  ${name}\n`);
      }
      for (let l = Math.floor(rand() * 4); l > 0; l--) {
        yield out(name, `    ${file}:${10 + l * 7}: request id=${Math.floor(rand() * 1e9)} status=200 latency=${(rand() * 40).toFixed(2)}ms\n`);
      }
      if (rand() < 0.25) {
        const subtests = 2 + Math.floor(rand() * 4);
        for (let s = 0; s < subtests; s++) {
          const sub = `${name}/case_${s}`;
          const subStatus = status === "fail" && s === subtests - 1 ? "fail" : "pass";
          yield line({ Action: "run", Package: pkg, Test: sub });
          yield out(sub, `=== RUN   ${sub}\n`);
          if (subStatus === "fail") yield out(sub, `    ${file}:88: unexpected status: got 500, want 200\n`);
          yield out(sub, `    --- ${subStatus.toUpperCase()}: ${sub} (0.00s)\n`);
          yield line({ Action: subStatus, Package: pkg, Test: sub, Elapsed: 0 });
        }
      } else if (status === "fail") {
        yield out(name, `    ${file}:42: expected order total 1999, got 2000\n`);
        yield out(name, `        diff: -want +got\n`);
      }
      if (status === "skip") yield out(name, `    ${file}:12: skipping integration test in -short mode\n`);
      const elapsed = Number((rand() * 0.05).toFixed(2));
      yield out(name, `--- ${status.toUpperCase()}: ${name} (${elapsed.toFixed(2)}s)\n`);
      yield line({ Action: status, Package: pkg, Test: name, Elapsed: elapsed });
      packageFailed ||= status === "fail";
    }
    const coverage = `coverage: ${(50 + rand() * 45).toFixed(1)}% of statements`;
    const elapsed = Number((0.1 + rand()).toFixed(3));
    if (packageFailed) {
      yield out(undefined, "FAIL\n");
      yield out(undefined, `${coverage}\n`);
      yield out(undefined, "exit status 1\n");
      yield out(undefined, `FAIL\t${pkg}\t${elapsed}s\n`);
    } else {
      yield out(undefined, "PASS\n");
      yield out(undefined, `${coverage}\n`);
      yield out(undefined, `ok  \t${pkg}\t${elapsed}s\t${coverage}\n`);
    }
    yield line({ Action: packageFailed ? "fail" : "pass", Package: pkg, Elapsed: elapsed });
  }
}
