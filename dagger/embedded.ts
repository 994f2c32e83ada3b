// `deploy --embedded`: a registry, a k3s server and Prometheus as Dagger services, the pipeline's
// chain up to publish pushing into that registry, then the environment rolled out twice (stable,
// then a canary measured by that Prometheus under traffic). Every decision is the core's
// (core/embedded/); this file only starts containers.
import { randomUUID } from "node:crypto";

import { CacheSharingMode, dag, ReturnType, type Container, type Directory, type Secret, type Service } from "@dagger.io/dagger";

import { demoEnvironments, EMBEDDED_PROMETHEUS_URL } from "../core/embedded/demo-environment.js";
import { demoObjects, demoTrafficUrl } from "../core/embedded/demo-objects.js";
import { CGROUP_SCRIPT, CGROUP_SCRIPT_PATH, embeddedRegistryHost, k3sServerArgv, KUBECONFIG_DIR, readKubeconfigArgv, REGISTRIES_FILE, registriesYaml } from "../core/embedded/k3s.js";
import { PIECES, pullFailure, type PieceImages, type PieceName } from "../core/embedded/pieces.js";
import { clusterTlsFiles, instantQueryArgv, prometheusArgv, prometheusConfig, trafficArgv } from "../core/embedded/prometheus.js";
import { GantryError } from "../core/errors.js";
import { applyArgv } from "../core/kube/kubectl.js";
import { workload } from "../core/kube/manifests/objects.js";
import { toYaml } from "../core/kube/manifests/yaml.js";
import type { Metrics } from "../core/kube/ports.js";
import { rolloutMarkdown, type RolloutReport } from "../core/kube/report.js";
import { environmentEntry, environmentOf } from "../core/kube/deploy-request.js";
import { publishChain, stageGraph } from "../core/pipeline/graph.js";
import { runSummaryMarkdown } from "../core/pipeline/run-summary.js";
import type { StageContext } from "./context.js";
import { deploy, serviceName, type ClusterArguments } from "./deploy.js";
import { containerKubectl, KUBECTL_IMAGE } from "./kube.js";
import { runPipeline } from "./run.js";

export interface EmbeddedRequest {
  images: PieceImages;
  badCanary: boolean;
  /** An image already pushed somewhere the embedded cluster can pull from (empty: publish one); skips the pipeline. */
  image: string;
  approve: string[];
}

const PROMETHEUS_DIR = "/etc/gantry-prometheus";
/** prometheus/prometheus runs as nobody; the mounted key must be readable by it. */
const PROMETHEUS_USER = "65534";
/** Requests per second the demo traffic sends through the NodePort Service. */
const TRAFFIC_RATE = 20;
/** How long k3s may take to write its kubeconfig once its API port answers. */
const KUBECONFIG_WAIT_SECONDS = 120;

/** Pulls an image now, so that a failure names the flag that overrides it. */
async function pulled(name: PieceName, image: string): Promise<Container> {
  const ctr = dag.container().from(image);
  try {
    await ctr.sync();
  } catch (e) {
    throw pullFailure(name, image, (e as Error).message);
  }
  return ctr;
}

interface EmbeddedCluster {
  k3s: Service;
  kubeconfig: Secret;
  kubeconfigText: string;
}

/**
 * k3s bound to the registry (its containerd pulls from it over HTTP). The cluster starts empty every
 * run (k3sServerArgv wipes its state); the cache volume keeps what k3s unpacks from its binary, and a
 * concurrent run gets a private copy.
 */
async function startCluster(image: Container, registry: Service): Promise<EmbeddedCluster> {
  const run = randomUUID();
  const kubeconfigVolume = dag.cacheVolume(`gantry-k3s-kubeconfig-${run}`);
  const k3s = image
    .withNewFile(CGROUP_SCRIPT_PATH, CGROUP_SCRIPT, { permissions: 0o755 })
    .withNewFile(REGISTRIES_FILE, registriesYaml())
    .withMountedCache(KUBECONFIG_DIR, kubeconfigVolume)
    .withMountedCache("/var/lib/rancher", dag.cacheVolume("gantry-k3s-state"), { sharing: CacheSharingMode.Private })
    .withMountedTemp("/var/lib/kubelet")
    .withMountedTemp("/var/lib/cni")
    .withMountedTemp("/var/log")
    .withServiceBinding(PIECES.registry.host, registry)
    .withExposedPort(PIECES.k3s.port)
    .asService({ args: k3sServerArgv(), insecureRootCapabilities: true })
    .withHostname(PIECES.k3s.host);
  await k3s.start();
  const kubeconfigText = await image.withMountedCache(KUBECONFIG_DIR, kubeconfigVolume).withEnvVariable("GANTRY_RUN", run).withExec(readKubeconfigArgv(KUBECONFIG_WAIT_SECONDS)).stdout();
  return { k3s, kubeconfigText, kubeconfig: dag.setSecret(`gantry-k3s-kubeconfig-${run}`, kubeconfigText) };
}

/** Prometheus scraping the namespace's pods through the k3s API server's pod proxy, with the admin client certificate. */
function startPrometheus(image: Container, cluster: EmbeddedCluster, namespace: string, port: number): Service {
  const tls = clusterTlsFiles(cluster.kubeconfigText);
  const files = { ca: `${PROMETHEUS_DIR}/ca.crt`, cert: `${PROMETHEUS_DIR}/client.crt`, key: `${PROMETHEUS_DIR}/client.key` };
  const config = prometheusConfig({ apiServer: `https://${PIECES.k3s.host}:${PIECES.k3s.port}`, namespace, port, scrapeInterval: "5s", files });
  const secret = (name: string, text: string) => dag.setSecret(`gantry-embedded-${name}-${randomUUID()}`, text);
  return image
    .withNewFile(`${PROMETHEUS_DIR}/prometheus.yml`, config)
    .withNewFile(files.ca, tls.ca)
    .withNewFile(files.cert, tls.cert)
    .withMountedSecret(files.key, secret("client-key", tls.key), { owner: PROMETHEUS_USER })
    .withServiceBinding(PIECES.k3s.host, cluster.k3s)
    .withExposedPort(PIECES.prometheus.port)
    .asService({ args: prometheusArgv(`${PROMETHEUS_DIR}/prometheus.yml`) })
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
async function publishToRegistry(ctx: StageContext, source: Directory, environment: string, registry: Service, approve: string[]): Promise<{ image: string; summary: string }> {
  const chain = publishChain(stageGraph(ctx.pipeline.stages), environment);
  const run = await runPipeline(ctx, { source, selection: chain.selection, approve, cluster: {}, registry, ignoreConditions: true });
  const pushed = run.stages.find((s) => s.name === chain.publish)?.output;
  if (run.status !== "passed" || pushed?.kind !== "publish") {
    throw new GantryError(`nothing was published to the embedded registry:\n${run.stages.map((s) => `  ${s.name}: ${s.status}${s.reason ? ` (${s.reason})` : ""}`).join("\n")}`);
  }
  return { image: `${pushed.image.repository}@${pushed.image.digest}`, summary: runSummaryMarkdown(run) };
}

/** The pipeline as the demo runs it: publishing unauthenticated and unsigned into the embedded registry. */
function embeddedContext(ctx: StageContext, service: string): StageContext {
  const { password: _p, cosignKey: _k, cosignPassword: _c, ...publish } = ctx.pipeline.publish;
  return { ...ctx, pipeline: { ...ctx.pipeline, publish: { ...publish, username: "", repository: `${embeddedRegistryHost()}/${service}`, attachSbom: false } } };
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
  const [k3sImage, registryImage, prometheusImage] = await Promise.all([pulled("k3s", request.images.k3s), pulled("registry", request.images.registry), pulled("prometheus", request.images.prometheus)]);
  const registry = registryImage.withExposedPort(PIECES.registry.port).asService({ useEntrypoint: true });
  const service = await serviceName(ctx);
  // k3s starts while the pipeline tests, builds, scans and publishes.
  const [cluster, published] = await Promise.all([
    startCluster(k3sImage, registry),
    request.image ? { image: request.image, summary: undefined } : publishToRegistry(embeddedContext(ctx, service), source, environment, registry, request.approve),
  ]);
  const image = published.image;

  const stableCtx = withEnvironment(ctx, environment, envs.stable);
  const target = workload(service, image, environmentOf(stableCtx.pipeline, environment));
  const kubectl = await containerKubectl({ kubeconfig: cluster.kubeconfig, cluster: cluster.k3s, kubectlImage: KUBECTL_IMAGE });
  const applied = await kubectl.run(applyArgv(target.env.namespace), toYaml(demoObjects(target)));
  if (applied.status !== 0) throw new GantryError(`could not prepare the embedded cluster: ${applied.stderr.trim()}`);

  const prometheus = startPrometheus(prometheusImage, cluster, target.env.namespace, target.env.port);
  const access: ClusterArguments = { kubeconfig: cluster.kubeconfig, cluster: cluster.k3s, metrics: containerMetrics(prometheusImage, prometheus) };
  const stable = await deploy(stableCtx, environment, image, access);
  const pipelineSummary = published.summary ? [published.summary] : [];
  if (stable.verdict !== "promoted" && stable.verdict !== "unchanged") return { ...stable, earlier: pipelineSummary };

  const traffic = prometheusImage.withServiceBinding(PIECES.k3s.host, cluster.k3s).asService({ args: trafficArgv(demoTrafficUrl(), TRAFFIC_RATE) });
  await Promise.all([prometheus.start(), traffic.start()]);
  try {
    const canary = await deploy(withEnvironment(ctx, environment, envs.canary), environment, image, access);
    return { ...canary, earlier: [rolloutMarkdown(stable), ...pipelineSummary] };
  } finally {
    await traffic.stop();
  }
}
