import { posix } from "node:path";
import { ArgumentError } from "../errors.js";

/** An absolute path with no "..", "//", trailing "/", whitespace or control characters; "/" itself passes. */
export function cleanAbsolutePath(path: string, argument: string, example: string): string {
  const clean = path.startsWith("/") && posix.normalize(path) === path && !/[\s\u0000-\u001f\u007f]/.test(path);
  if (!clean || (path !== "/" && path.endsWith("/"))) {
    throw new ArgumentError(argument, `"${path}" is not a clean absolute path; expected e.g. ${example} (no "..", "//", spaces or trailing "/")`);
  }
  return path;
}
