// Facts the checks expect, read from the repository's pipeline file rather than written again here.
import type { Directory } from "@dagger.io/dagger";

export interface PipelineFacts {
  /** The service's name: the binaries' prefix and the image title. */
  name: string;
  /** The Go module's directory inside the repository. */
  goModule: string;
  platforms: string[];
  /** Severities that fail the scan gate. */
  gatedSeverities: string[];
  licenses: string;
}

function field(text: string, pattern: RegExp, what: string): string {
  const found = pattern.exec(text)?.[1];
  if (!found) throw new Error(`pipelines/gantry.yaml: no ${what} found`);
  return found.trim();
}

const list = (flow: string) =>
  flow
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** The facts of pipelines/gantry.yaml (flow-style lists, as the file writes them). */
export async function pipelineFacts(source: Directory): Promise<PipelineFacts> {
  const text = await source.file("pipelines/gantry.yaml").contents();
  return {
    name: field(text, /^name:\s*(\S+)/m, "name"),
    goModule: field(text, /^source:\s*(\S+)/m, "source"),
    platforms: list(field(text, /^go:\n(?:\s+.*\n)*?\s+platforms:\s*\[([^\]]*)\]/m, "go.platforms")),
    gatedSeverities: list(field(text, /^scan:\n(?:\s+.*\n)*?\s+severities:\s*\[([^\]]*)\]/m, "scan.severities")),
    licenses: field(text, /org\.opencontainers\.image\.licenses:\s*(\S+)/, "image label licenses"),
  };
}
