// The engine test module's checks (test/engine/module), run as CI runs them: `dagger call -m
// test/engine/module all`, which builds, scans, pushes to a registry service and rolls out to an
// embedded k3s, and fails naming every check that failed.
import { describe, expect, it } from "vitest";

import { engineModuleCall, engineSuite, skipReason } from "./engine.js";

const CHECKS = ["binaries", "image", "reproducible", "scan", "publish", "canary", "secrets"];
// A first run pulls the images and Trivy's DB and starts two clusters (test/engine/module/README.md).
const ALL_TIMEOUT_MS = 110 * 60_000;

describe.skipIf(skipReason)(engineSuite("engine: the engine test module's checks (dagger call -m test/engine/module all)"), () => {
  it(
    "passes every check, each reporting what it proved",
    async () => {
      const res = await engineModuleCall(["all"], ALL_TIMEOUT_MS);
      expect(res.status, res.stderr.slice(-4000)).toBe(0);
      for (const check of CHECKS) expect(res.stdout, check).toMatch(new RegExp(`^${check}: `, "m"));
    },
    ALL_TIMEOUT_MS + 60_000,
  );
});
