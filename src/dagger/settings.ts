import type { CacheVolume, Directory, Secret } from "@dagger.io/dagger";

/** Everything the Gantry constructor takes; adapters read it and pass plain values to the core. */
export interface GantrySettings {
  source: Directory;
  pkg: string;
  name: string;
  goVersion: string;
  goImage: string;
  moduleCache?: CacheVolume;
  buildCache?: CacheVolume;
  noCache: boolean;
  cgo?: boolean;
  goprivate: string;
  netrc?: Secret;
  buildTags: string[];
  ldflags: string[];
  values: string[];
  stampPackage: string;
  version: string;
  ref: string;
  commit: string;
  sourceDateEpoch: number;
  sourceUrl: string;
  base: string;
  port: number;
  user: number;
  labels: string[];
}
