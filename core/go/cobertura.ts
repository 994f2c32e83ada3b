// A Cobertura XML report (the format GitLab's `coverage_report` reads to mark merge request diffs)
// from a Go coverprofile: one package per Go package, one class per file, line hits from blocks.
import { escapeXml } from "../report/xml.js";
import { parseCoverBlocks } from "./coverage.js";

export interface CoberturaOptions {
  /** The Go module's path (go.mod's module line): the prefix of every file name in the profile. */
  modulePath: string;
  /** The module's directory relative to the repository root (the pipeline's `source`), so file names match the repository. */
  sourceDir: string;
  /** Seconds since the epoch for the report's timestamp (the commit time keeps it reproducible). */
  timestamp: number;
}

/** The Cobertura report of a Go coverprofile. */
export function coverProfileToCobertura(profile: string, options: CoberturaOptions, file = "coverage.out"): string {
  // file -> line -> hits; a line in several blocks has the highest count of them.
  const files = new Map<string, Map<number, number>>();
  for (const block of parseCoverBlocks(profile, file)) {
    const lines = files.get(block.file) ?? new Map<number, number>();
    files.set(block.file, lines);
    for (let line = block.startLine; line <= block.endLine; line++) lines.set(line, Math.max(lines.get(line) ?? 0, block.count));
  }
  const packages = new Map<string, string[]>();
  for (const name of [...files.keys()].sort()) {
    const pkg = name.slice(0, Math.max(name.lastIndexOf("/"), 0));
    packages.set(pkg, [...(packages.get(pkg) ?? []), name]);
  }
  const rate = (lines: Iterable<number>) => {
    const hits = [...lines];
    return hits.length === 0 ? 0 : hits.filter((h) => h > 0).length / hits.length;
  };
  const all = [...files.values()].flatMap((lines) => [...lines.values()]);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">',
    `<coverage line-rate="${format(rate(all))}" branch-rate="0" lines-covered="${all.filter((h) => h > 0).length}" lines-valid="${all.length}" branches-covered="0" branches-valid="0" complexity="0" version="gantry" timestamp="${options.timestamp * 1000}">`,
    "  <sources>",
    "    <source>.</source>",
    "  </sources>",
    "  <packages>",
  ];
  for (const [pkg, names] of packages) {
    const lines = names.flatMap((n) => [...files.get(n)!.values()]);
    out.push(`    <package name="${escapeXml(pkg)}" line-rate="${format(rate(lines))}" branch-rate="0" complexity="0">`, "      <classes>");
    for (const name of names) {
      const hits = files.get(name)!;
      const base = name.slice(name.lastIndexOf("/") + 1);
      out.push(
        `        <class name="${escapeXml(base.replace(/\.go$/, ""))}" filename="${escapeXml(repositoryPath(name, options))}" line-rate="${format(rate(hits.values()))}" branch-rate="0" complexity="0">`,
        "          <methods/>",
        "          <lines>",
        ...[...hits.entries()].sort(([a], [b]) => a - b).map(([line, h]) => `            <line number="${line}" hits="${h}" branch="false"/>`),
        "          </lines>",
        "        </class>",
      );
    }
    out.push("      </classes>", "    </package>");
  }
  out.push("  </packages>", "</coverage>");
  return `${out.join("\n")}\n`;
}

/** A profile's file name as a path from the repository root: the module path replaced by the module's directory. */
function repositoryPath(name: string, options: CoberturaOptions): string {
  if (!name.startsWith(`${options.modulePath}/`)) return name;
  const inModule = name.slice(options.modulePath.length + 1);
  const dir = options.sourceDir.replace(/^\.\/?/, "").replace(/\/$/, "");
  return dir === "" ? inModule : `${dir}/${inModule}`;
}

function format(rate: number): string {
  return String(Math.round(rate * 10000) / 10000);
}
