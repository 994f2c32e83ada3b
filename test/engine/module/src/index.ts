/**
 * Gantry's engine tests: each function builds, runs or pushes with the Gantry module on a real
 * engine and fails naming what it found; `all` runs every check and names each one that failed.
 */
import { argument, func, object, type Directory } from "@dagger.io/dagger";

import { checkBinaries } from "./checks/binaries.js";
import { checkCanary } from "./checks/canary.js";
import { checkImage } from "./checks/image.js";
import { checkPublish } from "./checks/publish.js";
import { checkReproducible } from "./checks/reproducible.js";
import { checkScan } from "./checks/scan.js";
import { checkSecrets } from "./checks/secrets.js";
import { runChecks } from "./run-checks.js";

// Every function takes the repository (the test module's context directory, the same checkout the
// gantry dependency comes from) and is never cached: a test that passed once must run again. The
// introspector reads @argument's options as literals, so they are written out at each function, as
// in Gantry's own src/index.ts; each function is one line that names its check.

/** Checks of the Gantry module against a real Dagger engine, one function per property. */
@object()
export class EngineTests {
  /** Every check below, one after the other; fails naming each check that failed. Example: dagger call -m test/engine/module all */
  @func({ cache: "never" })
  async all(
    /** The repository: its pipeline file and the example service. */
    @argument({ defaultPath: "/", ignore: ["**/node_modules", ".dagger", "dist", "tmp", ".tools"] }) source: Directory,
  ): Promise<string> {
    return runChecks([
      ["binaries", () => checkBinaries(source)],
      ["image", () => checkImage(source)],
      ["reproducible", () => checkReproducible(source)],
      ["scan", () => checkScan(source)],
      ["publish", () => checkPublish(source)],
      ["canary", () => checkCanary(source)],
      ["secrets", () => checkSecrets(source)],
    ]);
  }

  /** build gives a static, stripped binary per platform of the pipeline file; the native one prints its stamped version. Example: dagger call -m test/engine/module binaries */
  @func({ cache: "never" })
  async binaries(
    /** The repository: its pipeline file and the example service. */
    @argument({ defaultPath: "/", ignore: ["**/node_modules", ".dagger", "dist", "tmp", ".tools"] }) source: Directory,
  ): Promise<string> {
    return checkBinaries(source);
  }

  /** The image runs as a non-root user and carries the release's OCI labels. Example: dagger call -m test/engine/module image */
  @func({ cache: "never" })
  async image(
    /** The repository: its pipeline file and the example service. */
    @argument({ defaultPath: "/", ignore: ["**/node_modules", ".dagger", "dist", "tmp", ".tools"] }) source: Directory,
  ): Promise<string> {
    return checkImage(source);
  }

  /** Two clean builds of one commit give one image digest. Example: dagger call -m test/engine/module reproducible */
  @func({ cache: "never" })
  async reproducible(
    /** The repository: its pipeline file and the example service. */
    @argument({ defaultPath: "/", ignore: ["**/node_modules", ".dagger", "dist", "tmp", ".tools"] }) source: Directory,
  ): Promise<string> {
    return checkReproducible(source);
  }

  /** The scan gate passes exactly when no finding has a gated severity, and its reports validate. Example: dagger call -m test/engine/module scan */
  @func({ cache: "never" })
  async scan(
    /** The repository: its pipeline file and the example service. */
    @argument({ defaultPath: "/", ignore: ["**/node_modules", ".dagger", "dist", "tmp", ".tools"] }) source: Directory,
  ): Promise<string> {
    return checkScan(source);
  }

  /** publish pushes every tag to one digest, as a registry service confirms with crane. Example: dagger call -m test/engine/module publish */
  @func({ cache: "never" })
  async publish(
    /** The repository: its pipeline file and the example service. */
    @argument({ defaultPath: "/", ignore: ["**/node_modules", ".dagger", "dist", "tmp", ".tools"] }) source: Directory,
  ): Promise<string> {
    return checkPublish(source);
  }

  /** A good canary promotes and a bad one rolls back, on an embedded k3s, each in the right cluster state. Example: dagger call -m test/engine/module canary */
  @func({ cache: "never" })
  async canary(
    /** The repository: its pipeline file and the example service. */
    @argument({ defaultPath: "/", ignore: ["**/node_modules", ".dagger", "dist", "tmp", ".tools"] }) source: Directory,
  ): Promise<string> {
    return checkCanary(source);
  }

  /** A secret's value appears in no returned string, report or image layer. Example: dagger call -m test/engine/module secrets */
  @func({ cache: "never" })
  async secrets(
    /** The repository: its pipeline file and the example service. */
    @argument({ defaultPath: "/", ignore: ["**/node_modules", ".dagger", "dist", "tmp", ".tools"] }) source: Directory,
  ): Promise<string> {
    return checkSecrets(source);
  }
}
