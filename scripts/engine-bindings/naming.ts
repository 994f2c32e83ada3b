// The names the Dagger engine and the TypeScript codegen give a dependency's types and members,
// ported rule for rule from the dagger/dagger sources (v0.21.x) so the offline bindings spell every
// name the way `dagger develop` does:
//
// - Types: the engine namespaces every object and enum a module defines with the module's name,
//   unless it is the main object or already starts with that name on a word boundary
//   (`func namespaceObject` in package core, beside `gqlObjectName`; applied to objects and enums by
//   `(*Module).namespaceTypeDef` in core/module.go): Image -> GantryImage, Severity -> GantrySeverity,
//   Gantry stays Gantry. Names go through github.com/iancoleman/strcase ToCamel (`gqlObjectName`).
// - Functions, fields and arguments are strcase.ToLowerCamel of the SDK's name (core/typedef.go
//   `NewFunction`, `(*Function).WithArg`), so a digit capitalises the next letter: k3sImage -> k3SImage.
// - The main object's constructor is a field of Query named ToLowerCamel(module name)
//   (core/object.go `installConstructor`), which the codegen renders on Client (`QueryToClient`).
// - Members: a member named like a JavaScript keyword gets a trailing underscore; enum members are
//   the value's name lowercased then ToCamel'd (cmd/codegen/generator/typescript/templates/
//   functions.go `formatName`, `formatEnum`, `jsKeywords`).
//
// Sources read (https://github.com/dagger/dagger, as stored around v0.21; v0.21.9 is 2026-08-25):
//   core/module.go, core/object.go, core/typedef.go, core/schema/module.go (functionWithArg),
//   cmd/codegen/generator/typescript/generator.go, .../templates/functions.go,
//   .../templates/src/{object,method,method_solve,types,args,_dep}.ts.gtpl,
//   cmd/codegen/introspection/introspection.go (InputValue.IsOptional),
//   sdk/typescript/runtime/{main.go,module.go} and tsutils/tsconfig_updator.go (sdk/ and the paths),
//   dagger/dagger#13509 (one <dep>.gen.ts per dependency, merged into Client by declaration merging);
//   https://github.com/iancoleman/strcase camel.go; and the published SDK in node_modules
//   (dist/src/api/client.gen.d.ts, dist/src/module/entrypoint/register.js).

const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";

/**
 * github.com/iancoleman/strcase toCamelInitCase (camel.go), byte for byte for ASCII: a letter after
 * a digit or a separator is capitalised, other letters keep their case (JSONValue stays JSONValue, as
 * the SDK's own JSONValueContentsOpts shows), separators are dropped. Acronym overrides are empty in
 * the engine.
 */
function toCamelInitCase(input: string, initCase: boolean): string {
  const s = input.trim();
  let out = "";
  let capNext = initCase;
  let prevWasNum = false;
  for (let i = 0; i < s.length; i++) {
    let c = s[i]!;
    const isCap = c >= "A" && c <= "Z";
    const isLow = c >= "a" && c <= "z";
    if (capNext) {
      if (isLow) c = c.toUpperCase();
    } else if (i === 0) {
      if (isCap) c = c.toLowerCase();
    }
    if (isCap || isLow) {
      out += c;
      capNext = false;
      prevWasNum = false;
    } else if (isDigit(c)) {
      out += c;
      prevWasNum = true;
      capNext = true;
    } else {
      capNext = c === "_" || c === " " || c === "-" || c === ".";
      if (capNext && prevWasNum && isDigit(s[i + 1])) {
        out += "_";
        prevWasNum = false;
      }
    }
  }
  return out;
}

/** strcase.ToCamel: PascalCase, the GraphQL object name. */
export function toCamel(s: string): string {
  return toCamelInitCase(s, true);
}

/** strcase.ToLowerCamel: camelCase, the GraphQL field and argument name. */
export function toLowerCamel(s: string): string {
  return toCamelInitCase(s, false);
}

/** core `namespaceObject`: a module's type name as the schema (and so the bindings) spell it. */
export function namespaceObject(objectName: string, moduleFinalName: string, moduleOriginalName = moduleFinalName): string {
  const name = toCamel(objectName);
  const prefix = toCamel(moduleOriginalName);
  if (name.startsWith(prefix)) {
    const rest = name.slice(prefix.length);
    if (rest === "") return toCamel(moduleFinalName);
    // "Postman" in module "post" is not prefixed on a word boundary, "PostMan" is.
    if (rest[0]! >= "A" && rest[0]! <= "Z") return toCamel(moduleFinalName + rest);
  }
  return toCamel(`${moduleFinalName}_${name}`);
}

// The codegen's jsKeywords: compared case-insensitively; export, with, get, from, of stay usable.
const JS_KEYWORDS = new Set(
  (
    "await break case catch class const continue debugger default delete do else enum extends false finally for function if " +
    "implements import in instanceof interface new null package private protected public return super switch this throw true " +
    "try typeof var void while yield as let static any boolean constructor declare module require number set string symbol type async namespace"
  ).split(" "),
);

/** `formatName`: a member or argument name, with `_` after a JavaScript keyword. */
export function formatName(name: string): string {
  return JS_KEYWORDS.has(name.toLowerCase()) ? `${name}_` : name;
}

/** `formatEnum`: an enum member's TypeScript name (SPDX_JSON -> SpdxJson). */
export function formatEnum(name: string): string {
  return toCamel(name.toLowerCase());
}
