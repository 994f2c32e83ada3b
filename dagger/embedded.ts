// `demo`: a registry, a k3s server and Prometheus as Dagger services, the pipeline's
// chain up to publish pushing into that registry, then the environment rolled out twice (stable,
// then a canary measured by that Prometheus under traffic). Every decision is the core's
// (core/embedded/); this file only starts containers.
import { randomUUID } from "node:crypto";

import { CacheSharingMode, dag, ReturnType, type Container, type Directory, type Secret, type Service } from "@dagger.io/dagger";

import { demoEnvironments, embeddedPublish, EMBEDDED_PROMETHEUS_URL } from "../core/embedded/demo-environment.js";
import { demoObjects, demoTrafficArgv } from "../core/embedded/demo-objects.js";
import { CGROUP_SCRIPT, CGROUP_SCRIPT_PATH, k3sServerArgv, KUBECONFIG_DIR, readKubeconfigArgv, REGISTRIES_FILE, registriesYaml } from "../core/embedded/k3s.js";
import { PIECES, pullFailure, startFailure, type PieceImages, type PieceName } from "../core/embedded/pieces.js";
import { embeddedPrometheus, instantQueryArgv } from "../core/embedded/prometheus.js";
import { GantryError } from "../core/errors.js";
import { EXECUTABLE_FILE_MODE } from "../core/tool-access.js";
import { applyArgv } from "../core/kube/kubectl.js";
import { workload } from "../core/kube/manifests/objects.js";
import { toYaml } from "../core/kube/manifests/yaml.js";
import type { Metrics } from "../core/kube/ports.js";
import { rolloutMarkdown, rolloutSucceeded, type RolloutReport } from "../core/kube/report.js";
import { environmentEntry, environmentOf } from "../core/pipeline/deploy-request.js";
import { publishChain, stageGraph } from "../core/pipeline/graph.js";
import { pinnedReference } from "../core/pipeline/outputs.js";
import { runSummaryMarkdown } from "../core/pipeline/run-summary.js";
import { pushedBy, runFellShort } from "../core/pipeline/runner.js";
import type { StageContext } from "./context.js";
import { deploy, serviceName, type ClusterArguments } from "./deploy.js";
import { containerKubectl, KUBECTL_IMAGE } from "./kube.js";
import { runPipeline } from "./run.js";
import { asTool, failureTail, withToolNewFile, withToolSecret } from "./tool.js";

export interface EmbeddedRequest {
  images: PieceImages;
  badCanary: boolean;
  /** An image already pushed somewhere the embedded cluster can pull from (empty: publish one); skips the pipeline. */
  image: string;
  approve: string[];
}

/** Pulls an image now, so that a failure names the flag that overrides it; it runs as its user. */
async function pulled(name: PieceName, image: string): Promise<Container> {
  const ctr = dag.container().from(image);
  try {
    await ctr.sync();
  } catch (e) {
    throw pullFailure(name, image, (e as Error).message);
  }
  return asTool(ctr, name);
}

interface EmbeddedCluster {
  k3s: Service;
  kubeconfig: Secret;
  kubeconfigText: string;
}

/**
 * k3s bound to the registry (its containerd pulls from it over HTTP). The cluster starts empty every
 * run (k3sServerArgv wipes its state); the cache volume keeps what k3s unpacks from its binary, and a
 * concurrent run gets a private copy. An image that is no k3s fails naming --kubernetes-image.
 */
async function startCluster(image: Container, imageRef: string, registry: Service): Promise<EmbeddedCluster> {
  const run = randomUUID();
  const kubeconfigVolume = dag.cacheVolume(`gantry-k3s-kubeconfig-${run}`);
  const k3s = withToolNewFile(withToolNewFile(image, "k3s", CGROUP_SCRIPT_PATH, CGROUP_SCRIPT, EXECUTABLE_FILE_MODE), "k3s", REGISTRIES_FILE, registriesYaml())
    .withMountedCache(KUBECONFIG_DIR, kubeconfigVolume)
    .withMountedCache("/var/lib/rancher", dag.cacheVolume("gantry-k3s-state"), { sharing: CacheSharingMode.Private })
    .withMountedTemp("/var/lib/kubelet")
    .withMountedTemp("/var/lib/cni")
    .withMountedTemp("/var/log")
    .withServiceBinding(PIECES.registry.host, registry)
    .withExposedPort(PIECES.k3s.port)
    .asService({ args: k3sServerArgv(), insecureRootCapabilities: true })
    .withHostname(PIECES.k3s.host);
  let kubeconfigText: string;
  try {
    await k3s.start();
    kubeconfigText = await image.withMountedCache(KUBECONFIG_DIR, kubeconfigVolume).withEnvVariable("GANTRY_RUN", run).withExec(readKubeconfigArgv()).stdout();
  } catch (error) {
    throw startFailure("k3s", imageRef, failureTail(error));
  }
  return { k3s, kubeconfigText, kubeconfig: dag.setSecret(`gantry-k3s-kubeconfig-${run}`, kubeconfigText) };
}

/** Prometheus as the core plans it, bound to k3s. */
function prometheusService(image: Container, cluster: EmbeddedCluster, target: { namespace: string; port: number }): Service {
  const plan = embeddedPrometheus(cluster.kubeconfigText, target);
  let ctr = image;
  for (const file of plan.files) {
    ctr = file.secret
      ? withToolSecret(ctr, "prometheus", file.path, dag.setSecret(`gantry-embedded-prometheus-${randomUUID()}`, file.contents))
      : withToolNewFile(ctr, "prometheus", file.path, file.contents);
  }
  return ctr
    .withServiceBinding(PIECES.k3s.host, cluster.k3s)
    .withExposedPort(PIECES.prometheus.port)
    .asService({ args: plan.argv })
    .withHostname(PIECES.prometheus.host);
}

/** Instant queries sent by busybox wget from the Prometheus image, bound to the service (the module's process cannot reach it). */
function containerMetrics(image: Container, prometheus: Service): Metrics {
  const base = image.withServiceBinding(PIECES.prometheus.host, prometheus);
  return {
    async query(promql) {
      // Every query must reach Prometheus: the value only keys Dagger's cache.
      const ctr = base.withEnvVariable("GANTRY_QUERY", randomUUID()).withExec(instantQueryArgv(EMBEDDED_PROMETHEUS_URL, promql), { expect: ReturnType.Any });
      if ((await ctr.exitCode()) !== 0) throw new GantryError(`the embedded Prometheus did not answer: ${(await ctr.stderr()).trim()}`);
      return ctr.stdout();
    },
  };
}

/**
 * Publishes through the pipeline's own chain (test and scan gate it, approvals hold) into the
 * embedded registry, on any branch: the registry and the cluster are the demo's own. Returns the
 * digest reference and the run's summary.
 */
async function publishToRegistry(
  ctx: StageContext,
  source: Directory,
  environment: string,
  registry: Service,
  approve: string[],
): Promise<{ image: string; summary: string }> {
  const chain = publishChain(stageGraph(ctx.pipeline.stages), environment);
  const run = await runPipeline(ctx, { source, selection: chain.selection, approve, cluster: {}, registry, ignoreConditions: true });
  const pushed = pushedBy(run, chain.publish);
  if (run.status !== "passed" || !pushed) throw runFellShort("nothing was published to the embedded registry", run);
  return { image: pinnedReference(pushed), summary: runSummaryMarkdown(run) };
}

function withPublish(ctx: StageContext, publish: StageContext["pipeline"]["publish"]): StageContext {
  return { ...ctx, pipeline: { ...ctx.pipeline, publish } };
}

function withEnvironment(ctx: StageContext, name: string, env: StageContext["pipeline"]["environments"][string]): StageContext {
  return { ...ctx, pipeline: { ...ctx.pipeline, environments: { ...ctx.pipeline.environments, [name]: env } } };
}

/**
 * The whole demo; returns the canary's rollout, with the stable rollout and the pipeline's summary
 * as its earlier sections (or the stable one's, when it did not complete). Traffic runs from before
 * the canary starts until its verdict.
 */
export async function embeddedDeploy(ctx: StageContext, source: Directory, environment: string, request: EmbeddedRequest): Promise<RolloutReport> {
  const envs = demoEnvironments(environment, environmentEntry(ctx.pipeline, environment), request.badCanary);
  // Each piece runs as its image's user (core/tool-access.ts); Prometheus' image also runs the traffic loop and the queries.
  const [k3sImage, registryImage, prometheusImage] = await Promise.all([
    pulled("k3s", request.images.k3s),
    pulled("registry", request.images.registry),
    pulled("prometheus", request.images.prometheus),
  ]);
  const registry = registryImage.withExposedPort(PIECES.registry.port).asService({ useEntrypoint: true });
  const service = await serviceName(ctx);
  // k3s starts while the pipeline tests, builds, scans and publishes.
  const [cluster, published] = await Promise.all([
    startCluster(k3sImage, request.images.k3s, registry),
    request.image
      ? { image: request.image, summary: undefined }
      : publishToRegistry(withPublish(ctx, embeddedPublish(ctx.pipeline.publish, service)), source, environment, registry, request.approve),
  ]);
  const image = published.image;

  const stableCtx = withEnvironment(ctx, environment, envs.stable);
  const target = workload(service, image, environmentOf(stableCtx.pipeline, environment));
  const kubectl = await containerKubectl({ kubeconfig: cluster.kubeconfig, cluster: cluster.k3s, kubectlImage: KUBECTL_IMAGE });
  const applied = await kubectl.run(applyArgv(target.env.namespace), toYaml(demoObjects(target)));
  if (applied.status !== 0) throw new GantryError(`could not prepare the embedded cluster: ${applied.stderr.trim()}`);

  const prometheus = prometheusService(prometheusImage, cluster, { namespace: target.env.namespace, port: target.env.port });
  const access: ClusterArguments = { kubeconfig: cluster.kubeconfig, cluster: cluster.k3s, metrics: containerMetrics(prometheusImage, prometheus) };
  const stable = await deploy(stableCtx, environment, image, access);
  const pipelineSummary = published.summary ? [published.summary] : [];
  if (!rolloutSucceeded(stable.verdict)) return { ...stable, earlier: pipelineSummary };

  const traffic = prometheusImage.withServiceBinding(PIECES.k3s.host, cluster.k3s).asService({ args: demoTrafficArgv() });
  await Promise.all([prometheus.start(), traffic.start()]);
  try {
    const canary = await deploy(withEnvironment(ctx, environment, envs.canary), environment, image, access);
    return { ...canary, earlier: [rolloutMarkdown(stable), ...pipelineSummary] };
  } finally {
    await traffic.stop();
  }
}
