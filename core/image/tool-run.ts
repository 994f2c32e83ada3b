import type { ToolName } from "../tool-access.js";
import { parseImageReference } from "./reference.js";

/**
 * A tool to run in a container. `args` follow the image's entrypoint (Dagger:
 * `withExec(args, { useEntrypoint: true })`), so a mirrored or rebuilt image works however it
 * installs the binary.
 */
export interface ToolRun {
  /** Which tool: the user it runs as and who owns its inputs follow (core/tool-access.ts). */
  tool: ToolName;
  image: string;
  args: string[];
  env: Record<string, string>;
  /** Variables the Dagger layer fills from secrets; the core never sees their values. */
  secretEnv: string[];
}

/** Validates an image to run a tool from, keeping it as written. */
export function toolImage(image: string, argument: string): string {
  parseImageReference(image, argument);
  return image;
}
