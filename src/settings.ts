import { func, object } from "@dagger.io/dagger";

/**
 * The settings the Gantry constructor was given: the pipeline file and the release overrides. Gantry
 * holds them as one object, and the objects it returns (Image, Environment) hold the same object
 * rather than copies of each setting.
 */
@object()
export class Settings {
  /** Pipeline file, relative to the repository root. */
  @func()
  config: string;
  /** Git ref being built; empty: from the checkout's .git. */
  @func()
  ref: string;
  /** Release version; empty: the version a release tag at HEAD names. */
  @func()
  version: string;
  /** Commit SHA being built; empty: HEAD of the checkout's .git. */
  @func()
  commit: string;
  /** Commit time in Unix seconds; 0: HEAD's commit time. */
  @func()
  sourceDateEpoch: number;

  // Only API types may appear in an @object constructor (they become part of the module's API).
  constructor(config: string, ref: string, version: string, commit: string, sourceDateEpoch: number) {
    this.config = config;
    this.ref = ref;
    this.version = version;
    this.commit = commit;
    this.sourceDateEpoch = sourceDateEpoch;
  }
}
