// Pipelines the CI generator tests share: this repository's own, the canary example, and one that
// uses every kind of condition, a manual publish and a remote module.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import type { CiOptions } from "../../../core/pipeline/ci/shared.js";
import { loadPipeline } from "../../../core/pipeline/load.js";
import type { Pipeline } from "../../../core/pipeline/schema.js";

export const root = fileURLToPath(new URL("../../../", import.meta.url));
export const ENGINE_VERSION = (JSON.parse(readFileSync(`${root}dagger.json`, "utf8")) as { engineVersion: string }).engineVersion;

const KITCHEN_SINK = `
name: api
publish: {repository: ghcr.io/acme/api}
environments: {qa: {namespace: qa}, prod: {namespace: prod}}
stages:
  - name: test
  - name: lint
    kind: test
    when: {pullRequests: true, branches: ['feature/**', 'fix-?']}
  - name: build
  - {name: image, needs: [build]}
  - {name: scan, needs: [image]}
  - name: publish
    needs: [scan]
    approval: manual
    when: {defaultBranch: true, branches: ['release/*'], tags: ['v[0-9]*.[0-9]*.[0-9]*']}
  - {name: deploy-qa, environment: qa, needs: [publish]}
  - {name: deploy-prod, environment: prod, needs: [deploy-qa], approval: manual, kubeconfig: 'file:/etc/kube/prod', when: {tags: ['v*']}}
`;

export interface Example {
  name: string;
  pipeline: Pipeline;
  options: CiOptions;
}

function fromFile(path: string): Example {
  return { name: path, pipeline: loadPipeline(readFileSync(`${root}${path}`, "utf8"), path), options: { config: path, engineVersion: ENGINE_VERSION } };
}

export const EXAMPLES: Example[] = [
  fromFile("pipelines/gantry.yaml"),
  fromFile("pipelines/canary-example.yaml"),
  {
    name: "kitchen sink",
    pipeline: loadPipeline(KITCHEN_SINK, "pipelines/api.yaml"),
    options: { config: "pipelines/api.yaml", engineVersion: ENGINE_VERSION, module: "github.com/acme/gantry@v0.2.0", defaultBranch: "trunk" },
  },
];
