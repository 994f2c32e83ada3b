import { ArgumentError } from "../errors.js";

/** 9999-12-31T23:59:59Z: the last second RFC 3339 can write with a four-digit year. */
const MAX_EPOCH = 253_402_300_799;

/** A commit SHA as git prints it, abbreviated or full; returned lowercase. */
export function validateCommit(commit: string, argument = "commit"): string {
  if (!/^[0-9a-fA-F]{7,40}$/.test(commit)) {
    throw new ArgumentError(argument, `"${commit}" is not a commit SHA; expected 7 to 40 hex characters, e.g. the output of git rev-parse HEAD`);
  }
  return commit.toLowerCase();
}

/**
 * Unix seconds of the commit (`git log -1 --format=%ct`), the reproducible-builds SOURCE_DATE_EPOCH.
 * Everything time-shaped in an image comes from it, never from the clock, so that two builds of one
 * commit produce the same image config and digest.
 */
export function validateSourceDateEpoch(epoch: number, argument = "sourceDateEpoch"): number {
  if (!Number.isInteger(epoch) || epoch < 0 || epoch > MAX_EPOCH) {
    throw new ArgumentError(argument, `${epoch} is not a commit time; expected whole Unix seconds from 0 to ${MAX_EPOCH}, e.g. from git log -1 --format=%ct`);
  }
  return epoch;
}

/** `2024-05-06T07:08:09Z` */
export function rfc3339(epoch: number): string {
  return new Date(epoch * 1000).toISOString().replace(".000Z", "Z");
}

/** `20240506`, in UTC. */
export function yyyymmdd(epoch: number): string {
  return rfc3339(epoch).slice(0, 10).replaceAll("-", "");
}
