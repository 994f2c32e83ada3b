// Load-time rules joining publish's signing settings and each environment's `verify`: a pipeline
// that attests or verifies must say who signs and whom to trust, and name its repository, or the
// file is refused with the field's path (not at publish or deploy time).
import type { VerifyConfig, VerifyOptions } from "../supply/settings.js";

type Report = (path: (string | number)[], message: string) => void;

/** The parts of a parsed pipeline the rules read (structural, so the schema can call them before its type exists). */
export interface AttestationFacts {
  image: { sourceUrl: string };
  publish: { attest: boolean; cosignKey?: string | undefined; keyless?: string | undefined; publicKey?: string | undefined; tlogUpload: boolean };
  environments: Record<string, { verify?: VerifyConfig }>;
}

/** Whether deploys to the environment verify the image: `verify` when given, else whether publish attests. */
export function verifiesImage(publish: { attest: boolean }, verify: VerifyConfig): boolean {
  return verify === undefined ? publish.attest : verify !== false;
}

export function attestationRules(p: AttestationFacts, report: Report): void {
  const { publish } = p;
  if (publish.cosignKey && publish.keyless) report(["publish", "keyless"], "sign with cosignKey or keyless, not both");
  if (publish.attest && !publish.cosignKey && !publish.keyless)
    report(["publish", "attest"], "attestations are signed: set cosignKey (a secret reference) or keyless (github-actions, gitlab)");
  if (publish.keyless && !publish.tlogUpload)
    report(
      ["publish", "tlogUpload"],
      "a keyless signature is checked through the transparency log (its certificate lives ten minutes); keep tlogUpload, or sign with cosignKey",
    );
  if (publish.attest && !p.image.sourceUrl)
    report(["image", "sourceUrl"], "publish.attest records the repository in the provenance: set it, e.g. https://github.com/acme/api");
  for (const [name, env] of Object.entries(p.environments)) {
    if (!verifiesImage(publish, env.verify)) continue;
    const path = ["environments", name, "verify"];
    const v: Partial<VerifyOptions> = typeof env.verify === "object" ? env.verify : {};
    const key = v.key ?? publish.publicKey;
    const keyless = v.identity !== undefined || v.identityRegexp !== undefined || v.issuer !== undefined;
    if (v.identity !== undefined && v.identityRegexp !== undefined) report([...path, "identityRegexp"], "give identity or identityRegexp, not both");
    if (keyless && v.key !== undefined) report([...path, "key"], "trust a key or a keyless identity, not both");
    if (keyless && !v.issuer) report([...path, "issuer"], "a keyless identity needs its OIDC issuer, e.g. https://token.actions.githubusercontent.com");
    if (keyless && v.identity === undefined && v.identityRegexp === undefined)
      report([...path, "identity"], "a keyless issuer needs the identity (or identityRegexp) to trust");
    if (!keyless && !key) {
      report(
        path,
        "deploys here verify the image, but nothing says whom to trust: set publish.publicKey (e.g. cosign.pub), verify.key, or verify.identity and issuer; or verify: false",
      );
    }
    if (!p.image.sourceUrl)
      report(["image", "sourceUrl"], `deploys to ${name} check that the provenance names this repository: set it, e.g. https://github.com/acme/api`);
  }
}
