import { dag, type Directory, type File } from "@dagger.io/dagger";

import { REPORT_MODES } from "../core/tool-access.js";

const ROOT = "reports";

/**
 * A directory of reports a user exports (test and scan reports, manifests, CI files), by one rule:
 * the directory 0755, every file 0644 (core/tool-access.ts REPORT_MODES), whatever mode the step that
 * wrote a file gave it (go test's redirected stdout is 0600). The files go into a subdirectory made
 * with that mode, which is returned, so the exported directory itself is 0755 too.
 */
export function reportDirectory(files: Record<string, string | File>): Directory {
  let dir = dag.directory().withNewDirectory(ROOT, { permissions: REPORT_MODES.directory });
  for (const [path, content] of Object.entries(files)) {
    const target = `${ROOT}/${path}`;
    dir =
      typeof content === "string"
        ? dir.withNewFile(target, content, { permissions: REPORT_MODES.file })
        : dir.withFile(target, content, { permissions: REPORT_MODES.file });
  }
  return dir.directory(ROOT);
}
