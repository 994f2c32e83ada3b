import { gatewayApi } from "./gateway-api.js";
import { nginx } from "./nginx.js";
import { replicas } from "./replicas.js";
import type { RouterConfigs, TrafficRouter } from "../config/types.js";
import type { Router, RouterConfig } from "./router.js";

/** The traffic routers, by kind: a new router is one file in this folder and one line here. */
const BUILT_IN = {
  replicas,
  nginx,
  gatewayApi,
};

type ConfigsOf<T> = { [K in keyof T]: T[K] extends Router<infer C, infer _Input> ? C : never };

/**
 * Every router's settings, by kind, derived from BUILT_IN into config/types.ts' RouterConfigs; a
 * test that registers a router of its own declares it there too and calls registerRouter.
 */
declare module "../config/types.js" {
  interface RouterConfigs extends ConfigsOf<typeof BUILT_IN> {}
}

const registered = new Map<string, Router<RouterConfig>>(Object.values(BUILT_IN).map((r) => [r.kind, r as unknown as Router<RouterConfig>]));

/** Adds a router whose settings are declared in RouterConfigs (tests; built-in routers are in BUILT_IN). */
export function registerRouter<K extends keyof RouterConfigs>(router: Router<RouterConfigs[K]> & { kind: K }): void {
  registered.set(router.kind, router as unknown as Router<RouterConfig>);
}

/** The router of `config`: registered, since its kind is a key of RouterConfigs. */
export function routerFor<C extends TrafficRouter>(config: C): Router<C> {
  const router = registered.get(config.kind);
  // Only a kind declared by merging but never passed to registerRouter gets here.
  if (!router) throw new Error(`traffic router "${config.kind}" is declared but not registered (registerRouter)`);
  return router as unknown as Router<C>;
}

/** The routers the pipeline file's schema offers, in registration order. */
export function registeredRouters(): Router<RouterConfig>[] {
  return [...registered.values()];
}
