// The objects that make a GitOps tool sync the environment's path, written on request: an Argo CD
// Application, or a Flux GitRepository and Kustomization. Checked in the host tests by server-side
// dry-run against the tools' own CRDs (scripts/install-gitops-crds.sh).
//
// A canary's steps change what the repository says while they run: the replica router scales the
// stable Deployment, the gateway-api router moves the HTTPRoute's weights. Argo CD's self-heal
// would put them back mid-canary, so the Application ignores those two fields (and respects that
// on sync); everything else stays healed. The promoted state is committed (deploy.ts), so after a
// promotion the repository and the cluster agree again.
import { ArgumentError, GantryError } from "../../errors.js";
import type { Environment } from "../config/types.js";
import { commonLabels } from "../manifests/names.js";
import type { KubeObject } from "../manifests/objects.js";

export type SyncTool = "argocd" | "flux";
export const SYNC_TOOLS: SyncTool[] = ["argocd", "flux"];

/** The --tool argument: argocd or flux (any case). */
export function syncTool(tool: string): SyncTool {
  const known = SYNC_TOOLS.find((t) => t === tool.trim().toLowerCase());
  if (!known) throw new ArgumentError("tool", `"${tool}": expected ${SYNC_TOOLS.join(" or ")}`);
  return known;
}

export interface SyncOptions {
  /** The namespace the tool's objects live in. Default: argocd, flux-system. */
  namespace?: string;
  /** Flux: an existing Secret with the repository's credentials (username, password). */
  secretName?: string;
}

/** `<service>-<environment>`, the name of the tool's objects. */
function syncName(service: string, env: Environment): string {
  return `${service}-${env.name}`;
}

/** The tool's objects for the environment's repository, branch and path. */
export function syncObjects(tool: SyncTool, service: string, env: Environment, options: SyncOptions = {}): KubeObject[] {
  const gitops = env.gitops;
  if (!gitops) throw new GantryError(`environment ${env.name} has no gitops: section (repository, branch, path): there is nothing for ${tool} to sync`);
  const name = syncName(service, env);
  const labels = commonLabels(service);
  if (tool === "argocd") {
    const namespace = options.namespace ?? "argocd";
    const strategy = env.strategy;
    const canary = strategy.kind === "canary";
    const ignore = canary
      ? [
          { group: "apps", kind: "Deployment", name: service, namespace: env.namespace, jsonPointers: ["/spec/replicas"] },
          ...(strategy.router.kind === "gatewayApi"
            ? [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: service, namespace: env.namespace, jsonPointers: ["/spec/rules"] }]
            : []),
        ]
      : [];
    return [
      {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Application",
        metadata: { name, namespace, labels },
        spec: {
          project: "default",
          source: { repoURL: gitops.repository, targetRevision: gitops.branch, path: gitops.path },
          destination: { server: "https://kubernetes.default.svc", namespace: env.namespace },
          syncPolicy: { automated: { prune: true, selfHeal: true }, ...(canary ? { syncOptions: ["RespectIgnoreDifferences=true"] } : {}) },
          ...(ignore.length > 0 ? { ignoreDifferences: ignore } : {}),
        },
      },
    ];
  }
  const namespace = options.namespace ?? "flux-system";
  return [
    {
      apiVersion: "source.toolkit.fluxcd.io/v1",
      kind: "GitRepository",
      metadata: { name, namespace, labels },
      spec: {
        interval: "1m",
        url: gitops.repository,
        ref: { branch: gitops.branch },
        ...(options.secretName ? { secretRef: { name: options.secretName } } : {}),
      },
    },
    {
      apiVersion: "kustomize.toolkit.fluxcd.io/v1",
      kind: "Kustomization",
      metadata: { name, namespace, labels },
      spec: { interval: "5m", path: gitops.path === "." ? "./" : `./${gitops.path}`, prune: true, sourceRef: { kind: "GitRepository", name } },
    },
  ];
}
