import { dag, type Directory, type Secret, type Service } from "@dagger.io/dagger";

import { GantryError } from "../core/errors.js";
import { dockerConfigJson, registryHostName } from "../core/image/publish.js";
import { DOCKER_CONFIG_FILE } from "../core/image/oci/crane.js";
import { chartVersion, generateChart } from "../core/kube/helm/generate.js";
import { HELM_IMAGE, ociRemote } from "../core/kube/helm/helm-tool.js";
import { secretUri } from "../core/pipeline/secret-reference.js";
import type { StageContext } from "./context.js";
import { rolloutPlan } from "./deploy.js";
import { chartDirectory, lintChart, publishChart } from "./helm.js";

/** The environment's objects as a Helm chart (image, replicas, resources and ingress host as values), checked by `helm lint --strict`. */
export async function environmentChart(ctx: StageContext, environment: string, image: string, helmImage = HELM_IMAGE): Promise<Directory> {
  const chart = chartDirectory(generateChart(await rolloutPlan(ctx, environment, image), ctx.release.version));
  await lintChart(chart, { image: helmImage });
  return chart;
}

export interface ChartPushAccess {
  username?: string;
  password?: Secret;
  /** A registry running as a Dagger service, bound under the remote's host name and pushed to over plain HTTP. */
  registry?: Service;
  helmImage?: string;
}

/**
 * The environment's chart packaged with the release's version and pushed to `remote`
 * (oci://registry/path): `<remote>/<service>:<version>`. Returns the chart's digest. The login is
 * the arguments', else the pipeline's publish login (the image's registry, usually the chart's too).
 */
export async function publishEnvironmentChart(ctx: StageContext, environment: string, image: string, remote: string, access: ChartPushAccess): Promise<string> {
  const target = ociRemote(remote, "remote");
  const version = chartVersion(ctx.release.version);
  const chart = await environmentChart(ctx, environment, image, access.helmImage);
  const username = access.username || ctx.pipeline.publish.username;
  const password = access.password ?? (ctx.pipeline.publish.password ? dag.secret(secretUri(ctx.pipeline.publish.password)) : undefined);
  if (password && !username) throw new GantryError("--username: a chart registry password needs a user name (or publish.username in the pipeline file)");
  const registry = target.replace(/^oci:\/\//, "").split("/")[0]!;
  const options = {
    image: access.helmImage ?? HELM_IMAGE,
    plainHttp: access.registry !== undefined,
    authenticated: password !== undefined,
    ...(access.registry ? { registry: access.registry } : {}),
  };
  const login = password
    ? dag.setSecret(`gantry-helm-login-${registryHostName(registry)}`, dockerConfigJson(registry, username, await password.plaintext()))
    : undefined;
  const pushed = await publishChart(chart, version, target, { ...options, ...(login ? { login: { path: DOCKER_CONFIG_FILE, secret: login } } : {}) });
  return pushed.digest;
}
