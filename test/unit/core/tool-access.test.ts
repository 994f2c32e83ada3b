import { describe, expect, it } from "vitest";

import { CRANE_IMAGE } from "../../../core/image/oci/crane.js";
import { planSbom } from "../../../core/image/sbom.js";
import { planSign } from "../../../core/image/sign.js";
import { REPORT_MODES, TOOL_USERS, toolAccess, type ToolName } from "../../../core/tool-access.js";

describe("the one rule for tool containers", () => {
  it("runs each tool as the uid its pinned image declares", () => {
    expect(CRANE_IMAGE).toMatch(/^gcr\.io\/go-containerregistry\/crane:/);
    expect(TOOL_USERS).toEqual({
      crane: { uid: 65532, gid: 65532 },
      cosign: { uid: 65532, gid: 65532 },
      syft: { uid: 0, gid: 0 },
      trivy: { uid: 0, gid: 0 },
      kubectl: { uid: 0, gid: 0 },
      prometheus: { uid: 65534, gid: 65534 },
      k3s: { uid: 0, gid: 0 },
      registry: { uid: 0, gid: 0 },
      go: { uid: 0, gid: 0 },
      git: { uid: 0, gid: 0 },
      helm: { uid: 0, gid: 0 },
      opa: { uid: 1000, gid: 1000 },
    });
  });

  it("gives the tool's user every input: files 0644, secrets 0400 (the owner alone), output directories 0755", () => {
    expect(toolAccess("crane")).toEqual({
      tool: "crane",
      uid: 65532,
      gid: 65532,
      user: "65532:65532",
      file: { owner: "65532:65532", permissions: 0o644 },
      mount: { owner: "65532:65532" },
      secret: { owner: "65532:65532", mode: 0o400 },
      output: { owner: "65532:65532", permissions: 0o755 },
    });
    for (const tool of Object.keys(TOOL_USERS) as ToolName[]) {
      const access = toolAccess(tool);
      const owner = `${TOOL_USERS[tool].uid}:${TOOL_USERS[tool].gid}`;
      expect([access.user, access.file.owner, access.secret.owner, access.output.owner]).toEqual([owner, owner, owner, owner]);
      // A mount is root's unless told otherwise; giving it to root again would only copy it.
      expect(access.mount).toEqual(access.uid === 0 ? {} : { owner });
      // The owner can always read: what the rule gives is never less than owner-read (0400).
      expect([access.file.permissions, access.secret.mode, access.output.permissions].every((m) => (m & 0o400) !== 0)).toBe(true);
    }
  });

  it("is the rule exported reports follow too: directories 0755, files 0644", () => {
    expect(REPORT_MODES).toEqual({ file: 0o644, directory: 0o755 });
  });

  it("names the tool in every ToolRun the core plans, so the adapter applies the rule to it", () => {
    expect(planSign({ reference: `ghcr.io/acme/api@sha256:${"e".repeat(64)}`, hasPassword: false }).tool).toBe("cosign");
    expect(planSbom({ tarball: "/work/image.tar" }).tool).toBe("syft");
  });
});
