import { randomUUID } from "node:crypto";

import { dag, ReturnType, type Container, type Secret, type Service } from "@dagger.io/dagger";

import { kubeconfigThroughService, kubeEndpoint, requireReachable } from "../core/kube/kubeconfig.js";
import { systemClock, type Kubectl, type Ports } from "../core/kube/ports.js";
import { metricsFor } from "../core/kube/ports.js";
import type { Environment } from "../core/kube/config/types.js";
import { fetchHttp } from "./http.js";
import { toolImageContainer, withToolSecret } from "./tool.js";

/** kubectl pinned to the control plane version the host tests run; any image with kubectl on PATH works. */
export const KUBECTL_IMAGE = "registry.k8s.io/kubectl:v1.36.3";
const KUBECONFIG_PATH = "/gantry/kubeconfig";
const SERVICE_ALIAS = "kube-api";

/** How to reach a cluster: its kubeconfig, and its endpoint as a service when that is the caller's loopback. */
export interface ClusterAccess {
  kubeconfig: Secret;
  /** The API server bound as a Dagger service (tcp://localhost:6443 on the CLI). */
  cluster?: Service;
  kubectlImage: string;
}

/**
 * kubectl in a container, as the core's Kubectl port: every call runs the core's argv, reaches the
 * registry of record (the cluster) every time, and reports what kubectl said without failing.
 */
export async function containerKubectl(access: ClusterAccess): Promise<Kubectl> {
  const text = await access.kubeconfig.plaintext();
  requireReachable(kubeEndpoint(text), access.cluster !== undefined);
  let kubeconfig = access.kubeconfig;
  let base: Container = toolImageContainer("kubectl", access.kubectlImage);
  if (access.cluster) {
    kubeconfig = dag.setSecret("gantry-kubeconfig-through-service", kubeconfigThroughService(text, SERVICE_ALIAS));
    base = base.withServiceBinding(SERVICE_ALIAS, access.cluster);
  }
  base = withToolSecret(base, "kubectl", KUBECONFIG_PATH, kubeconfig).withEnvVariable("KUBECONFIG", KUBECONFIG_PATH);
  return {
    async run(argv, stdin) {
      // A cluster's state changes between calls: never answer a kubectl call from the cache.
      const ctr = base.withEnvVariable("GANTRY_KUBECTL_CALL", randomUUID()).withExec(argv, { stdin, expect: ReturnType.Any });
      return { status: await ctr.exitCode(), stdout: await ctr.stdout(), stderr: await ctr.stderr() };
    },
  };
}

export function rolloutPorts(kubectl: Kubectl, env: Environment): Ports {
  return {
    kubectl,
    clock: systemClock,
    http: fetchHttp,
    ...(env.analysis ? { metrics: metricsFor(env.analysis.prometheus, { kubectl, http: fetchHttp }) } : {}),
  };
}
