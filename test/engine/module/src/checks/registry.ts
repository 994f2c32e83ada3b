// A registry for the checks that push: the CNCF distribution as a Dagger service on port 5000,
// reached as registry:5000 (plain HTTP) by Gantry and by the containers bound to it. Each side binds
// it under that alias: a custom hostname (withHostname) resolves only for the client that started
// the service, so Gantry's containers could reach it but this module's own crane could not.
import { dag, type Container, type Service } from "@dagger.io/dagger";

import { CRANE_IMAGE, REGISTRY_IMAGE } from "../tools.js";

export const REGISTRY_HOST = "registry";
export const REGISTRY_PORT = 5000;

/** A fresh, empty registry service. */
export function registryService(): Service {
  return dag.container().from(REGISTRY_IMAGE).withExposedPort(REGISTRY_PORT).asService({ useEntrypoint: true });
}

/** crane, bound to the registry under its host name. */
export function craneAt(registry: Service): Container {
  return dag.container().from(CRANE_IMAGE).withServiceBinding(REGISTRY_HOST, registry);
}
