// Type-checks the engine test module the way `npm run typecheck` does (its offline tsconfig: the
// module's src/ against the real SDK plus the generated dependency bindings), optionally with extra
// source files placed in the module's src/ without writing them to disk.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import ts from "typescript";

const root = fileURLToPath(new URL("../../", import.meta.url));
export const OFFLINE_TSCONFIG = join(root, "test/engine/module-bindings/tsconfig.json");
const MODULE_SRC = join(root, "test/engine/module/src");

/** tsc's diagnostics for the test module, one line each; extra files are named relative to its src/. */
export function typecheckEngineModule(extraFiles: Record<string, string> = {}): string[] {
  const config = ts.readConfigFile(OFFLINE_TSCONFIG, (p) => ts.sys.readFile(p));
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, "\n"));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, dirname(OFFLINE_TSCONFIG));
  const extra = new Map(Object.entries(extraFiles).map(([name, text]) => [join(MODULE_SRC, name), text]));
  const host = ts.createCompilerHost(parsed.options);
  const { fileExists, readFile } = host;
  host.fileExists = (p) => extra.has(p) || fileExists.call(host, p);
  host.readFile = (p) => extra.get(p) ?? readFile.call(host, p);
  const program = ts.createProgram([...parsed.fileNames, ...extra.keys()], parsed.options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? `${d.file.fileName.slice(root.length)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : "";
    return `${where}${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
}
