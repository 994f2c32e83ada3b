// The grammar moved to core/secret-reference.ts so that every domain's settings (an environment's
// gitops credentials, in core/kube) can use it; this path stays for the pipeline's own imports.
export * from "../secret-reference.js";
