// What the engine's GraphQL schema says about a dependency's arguments, from the typedefs the
// TypeScript SDK registers (node_modules/@dagger.io/dagger/dist/src/module/entrypoint/register.js
// `addArg`) and what the engine adds (core/schema/module.go `functionWithArg`):
//
// - nullable: the introspector found the argument optional (`?`, `| null`, a default it cannot
//   resolve), or its default is not a primitive (a list or an object: register marks it optional
//   and leaves the default to the runtime), or it has a defaultPath/defaultAddress (the engine
//   "enforce[s] it as optional").
// - default: a primitive default (string, number, boolean, enum) is sent as the argument's
//   defaultValue; the type stays non-null.
// The codegen then splits arguments (functions.go `splitRequiredOptionalArgs`): every argument
// before the first optional one (nullable or defaulted) is positional, the rest go into one
// `opts?: <Parent><Function>Opts` object, where a property gets `?` only when its type is nullable
// (types.ts.gtpl's "field" template tests TypeRef.IsOptional). So a defaulted, non-null argument
// after an optional one is a required property of the opts object, as Directory.search's `pattern`
// is in the SDK's own client.gen.d.ts. The test module passes such arguments explicitly, so its calls
// type-check under this reading and under a laxer one alike.
import type { Arg, TypeDef } from "../../test/contract/introspect.js";

const PRIMITIVE_KINDS = new Set(["STRING_KIND", "INTEGER_KIND", "FLOAT_KIND", "BOOLEAN_KIND", "ENUM_KIND"]);

/** Whether the argument's schema type is nullable. */
export function isNullable(arg: Arg & { defaultAddress?: string }): boolean {
  return arg.isOptional || Boolean(arg.defaultPath) || Boolean(arg.defaultAddress) || (arg.defaultValue !== undefined && !PRIMITIVE_KINDS.has(arg.type.kind));
}

/** Whether the schema carries a default value for the argument. */
export function hasSchemaDefault(arg: Arg): boolean {
  return arg.defaultValue !== undefined && PRIMITIVE_KINDS.has(arg.type.kind);
}

/** introspection.InputValue.IsOptional: nullable or defaulted. */
export function isOptionalInput(arg: Arg): boolean {
  return isNullable(arg) || hasSchemaDefault(arg);
}

/** The positional arguments and the ones that go into the opts object. */
export function splitArguments(args: Arg[]): { required: Arg[]; optional: Arg[] } {
  const first = args.findIndex(isOptionalInput);
  return first < 0 ? { required: args, optional: [] } : { required: args.slice(0, first), optional: args.slice(first) };
}

/** A method whose result is a scalar, an enum or a list is awaited (method_solve); an object chains. */
export function isSolved(type: TypeDef): boolean {
  return type.kind !== "OBJECT_KIND" && type.kind !== "INTERFACE_KIND";
}
