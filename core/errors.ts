/**
 * Errors a user can act on. Every one names what was wrong (an argument, or a file with line and
 * field) and what was expected, and is raised before any container runs.
 */
export class GantryError extends Error {
  override name = "GantryError";
}

/** Kebab-case flag name as `dagger call` shows it: goVersion -> --go-version. */
export function flagName(argument: string): string {
  return "--" + argument.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());
}

/** A function argument had a value Gantry cannot use. */
export class ArgumentError extends GantryError {
  override name = "ArgumentError";
  constructor(
    readonly argument: string,
    readonly problem: string,
  ) {
    super(`${flagName(argument)}: ${problem}`);
  }
}

/** A file the user gave (go.mod, a pipeline, a Trivy report) is not what Gantry expected. */
export class FileError extends GantryError {
  override name = "FileError";
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly line?: number,
    readonly field?: string,
  ) {
    const where = [file, line === undefined ? undefined : String(line)].filter(Boolean).join(":");
    super(`${where}: ${field ? `${field}: ` : ""}${problem}`);
  }
}
