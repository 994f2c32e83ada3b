// The Argo CD and Flux CRDs that scripts/install-gitops-crds.sh fetched, installed in a test
// control plane, so their objects are checked by the API server against the real schemas.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import type { Cluster } from "./cluster.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SCRIPT = "scripts/install-gitops-crds.sh";

/** .tools/gitops-crds/<versions>/crds.yaml, at the versions the install script names. */
export function gitopsCrdsFile(): string {
  const script = readFileSync(join(ROOT, SCRIPT), "utf8");
  const version = (name: string) => script.match(new RegExp(`^${name}=(.+)$`, "m"))![1];
  const file = join(ROOT, ".tools/gitops-crds", `argo-cd-v${version("ARGO_CD_VERSION")}_flux-v${version("FLUX_KUSTOMIZE_CONTROLLER_VERSION")}`, "crds.yaml");
  if (!existsSync(file)) throw new Error(`${file} is missing: run bash ${SCRIPT} (npm run setup)`);
  return file;
}

const CRDS = ["applications.argoproj.io", "kustomizations.kustomize.toolkit.fluxcd.io", "gitrepositories.source.toolkit.fluxcd.io"];

/** Applies the CRDs and waits until the API server serves them. */
export async function installGitOpsCrds(cluster: Cluster): Promise<void> {
  const applied = await cluster.kubectl(["apply", "--server-side", "-f", "-"], { input: readFileSync(gitopsCrdsFile(), "utf8") });
  if (applied.status !== 0) throw new Error(`GitOps CRDs: ${applied.stderr}`);
  // kubectl wait fails at once (".status.conditions accessor error") on a CRD the API server has
  // not given conditions yet, instead of waiting: ask again until the conditions exist.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const established = await cluster.kubectl(["wait", "--for=condition=Established", ...CRDS.map((c) => `crd/${c}`), "--timeout=60s"]);
    if (established.status === 0) return;
    if (!established.stderr.includes("accessor error") || Date.now() > deadline) throw new Error(`GitOps CRDs not established: ${established.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}
