// The engine's core API (Container, Directory, File, ...) as the pinned SDK declares it: each
// class's functions with their argument names, which are boolean, and the class they return.
import ts from "typescript";

import { clientBindingsSource } from "./introspect.js";

export interface CoreFunction {
  name: string;
  /** Argument name -> whether it is a boolean (a flag that takes no value). */
  args: Map<string, boolean>;
  required: string[];
  /** The core class it returns, when a CLI chain can continue from it. */
  returns?: string;
}

export type CoreApi = Map<string, Map<string, CoreFunction>>;

let cached: CoreApi | undefined;

export function coreApi(): CoreApi {
  if (cached) return cached;
  const file = ts.createSourceFile("client.gen.d.ts", clientBindingsSource(), ts.ScriptTarget.ES2022, false);
  const options = new Map<string, Map<string, boolean>>();
  const classes: ts.ClassDeclaration[] = [];
  for (const node of file.statements) {
    if (ts.isTypeAliasDeclaration(node) && ts.isTypeLiteralNode(node.type)) {
      const members = new Map<string, boolean>();
      for (const m of node.type.members) {
        if (ts.isPropertySignature(m) && m.name && ts.isIdentifier(m.name)) members.set(m.name.text, m.type?.kind === ts.SyntaxKind.BooleanKeyword);
      }
      options.set(node.name.text, members);
    }
    if (ts.isClassDeclaration(node) && node.name) classes.push(node);
  }
  const names = new Set(classes.map((c) => c.name!.text));
  cached = new Map();
  for (const cls of classes) {
    const fns = new Map<string, CoreFunction>();
    for (const member of cls.members) {
      if (!ts.isPropertyDeclaration(member) || !ts.isIdentifier(member.name) || !member.type || !ts.isFunctionTypeNode(member.type)) continue;
      const args = new Map<string, boolean>();
      const required: string[] = [];
      for (const p of member.type.parameters) {
        const pname = (p.name as ts.Identifier).text;
        const typeName = p.type && ts.isTypeReferenceNode(p.type) ? p.type.typeName.getText(file) : undefined;
        if (pname === "opts" && typeName && options.has(typeName)) {
          for (const [k, isBool] of options.get(typeName)!) args.set(k, isBool);
        } else {
          args.set(pname, p.type?.kind === ts.SyntaxKind.BooleanKeyword);
          if (!p.questionToken) required.push(pname);
        }
      }
      const ret = member.type.type;
      const retName = ts.isTypeReferenceNode(ret) ? ret.typeName.getText(file) : undefined;
      fns.set(member.name.text, { name: member.name.text, args, required, returns: retName && names.has(retName) ? retName : undefined });
    }
    cached.set(cls.name!.text, fns);
  }
  return cached;
}
