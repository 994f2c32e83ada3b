// API the lead announced for issue 11 and is adding to src/ in parallel; the engine test module
// calls it. Each entry is what the announcement says, in the introspector's own shape, and is used
// only until src/ declares it: once the introspected API has the member, the introspected one is
// rendered and test/contract/engine-bindings.test.ts checks that it matches what was announced
// here (so the test module's assumption cannot silently differ from what landed). Delete an entry
// once it has landed.
import type { Arg, ModuleTypes, TypeDef } from "../../test/contract/introspect.js";

interface PendingArgument {
  object: string;
  function: string;
  argument: Arg;
}

interface PendingField {
  object: string;
  field: { name: string; description: string; type: TypeDef };
}

const STRING: TypeDef = { kind: "STRING_KIND" };
const BOOLEAN: TypeDef = { kind: "BOOLEAN_KIND" };

function arg(name: string, type: TypeDef, description: string, defaultValue?: unknown): Arg {
  return { name, description, type, isOptional: defaultValue === undefined, ...(defaultValue === undefined ? {} : { defaultValue }) };
}

/** "publish gains registry: Service: a registry running as a Dagger service, reached at the host of --repository, pushed to over plain HTTP". */
export const PENDING_ARGUMENTS: PendingArgument[] = [
  {
    object: "Gantry",
    function: "publish",
    argument: arg("registry", { kind: "OBJECT_KIND", name: "Service" }, "A registry running as a Dagger service, reached at the host of --repository, pushed to over plain HTTP."),
  },
  ...(
    [
      ["embedded", BOOLEAN, "Run everything against a k3s, registry and Prometheus started as Dagger services.", false],
      ["badCanary", BOOLEAN, "Run the canary with hello-api's ERROR_RATE raised, so that analysis must roll it back.", false],
      ["k3sImage", STRING, "The k3s image of the embedded cluster.", ""],
      ["registryImage", STRING, "The registry image of the embedded cluster.", ""],
      ["prometheusImage", STRING, "The Prometheus image of the embedded cluster.", ""],
    ] as const
  ).map(([name, type, description, defaultValue]) => ({ object: "Gantry", function: "deploy", argument: arg(name, type, description, defaultValue) })),
];

/** "Rollout gains workloads: string[]: one line per Deployment of the environment at the end, `deployment/<name> image=<ref> ready=<n>/<desired>`". */
export const PENDING_FIELDS: PendingField[] = [
  {
    object: "Rollout",
    field: { name: "workloads", description: "One line per Deployment of the environment at the end: deployment/<name> image=<ref> ready=<n>/<desired>.", type: { kind: "LIST_KIND", typeDef: STRING } },
  },
];

/** Where a pending member is in the API, or why it cannot be: its owner is missing. */
function owner(api: ModuleTypes, object: string): ModuleTypes["objects"][string] {
  const found = api.objects[object];
  if (!found) throw new Error(`pending API names object ${object}, which the module does not declare`);
  return found;
}

/** The API with every announced member src/ does not declare yet; the list says which were added. */
export function withPendingApi(api: ModuleTypes): { api: ModuleTypes; pending: string[] } {
  const merged = structuredClone(api);
  const pending: string[] = [];
  for (const p of PENDING_ARGUMENTS) {
    const fn = owner(merged, p.object).methods[p.function];
    if (!fn) throw new Error(`pending API names ${p.object}.${p.function}, which the module does not declare`);
    if (fn.arguments[p.argument.name]) continue;
    fn.arguments[p.argument.name] = p.argument;
    pending.push(`${p.object}.${p.function}(${p.argument.name})`);
  }
  for (const p of PENDING_FIELDS) {
    const object = owner(merged, p.object);
    if (object.properties[p.field.name]) continue;
    object.properties[p.field.name] = { ...p.field, isExposed: true };
    pending.push(`${p.object}.${p.field.name}`);
  }
  return { api: merged, pending };
}
