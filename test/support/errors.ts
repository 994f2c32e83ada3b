import { FileError } from "../../core/errors.js";

/** The FileError `run` throws, to check its fields; anything else (or nothing) fails the test. */
export function fileErrorOf(run: () => unknown): FileError {
  try {
    run();
  } catch (error) {
    if (error instanceof FileError) return error;
    throw error;
  }
  throw new Error("expected a FileError");
}
