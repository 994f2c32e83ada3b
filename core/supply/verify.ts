// Judges what cosign verified about an image: the signature, then each attestation's statement
// (subject, predicate) against what this repository and pipeline expect. cosign proves who signed;
// this file decides whether what was signed is acceptable, and says why not.
import { GantryError } from "../errors.js";
import { parseImageReference } from "../image/reference.js";
import { isGitHash, type Ancestry } from "./ancestry.js";
import { ATTESTATION_KINDS, PREDICATE_TYPES, type AttestationKind } from "./predicate-types.js";
import type { ResourceDescriptor } from "./provenance.js";
import type { ScanResultSummary } from "./scan-predicate.js";
import type { TrustedIdentityFacts, VerifiedAttestations, VerifiedProvenance, VerifiedSbom, VerifiedScan, VerifyCheck } from "./verified-attestations.js";

/** One cosign run as it ended. */
export interface CosignOutcome {
  status: number;
  stdout: string;
  stderr: string;
}

export interface VerifyEvidence {
  signature: CosignOutcome;
  attestations: Record<AttestationKind, CosignOutcome>;
}

export interface VerifyExpectations {
  /** repository@sha256:… being verified. */
  reference: string;
  trusted: TrustedIdentityFacts;
  /** The repository this pipeline builds from (image.sourceUrl). */
  repository: string;
  /** Builder ids trusted to have built it. */
  builderIds: string[];
  /** The pipeline file's path in the repository. */
  pipelinePath: string;
  maxScanAgeMs: number;
  now: Date;
}

interface Statement {
  _type?: string;
  subject?: { name?: string; digest?: Record<string, string> }[];
  predicateType?: string;
  predicate?: unknown;
}

/** The in-toto statements cosign printed, one JSON document per line (a DSSE envelope, or a Sigstore bundle holding one). */
export function statementsOf(stdout: string): Statement[] {
  const out: Statement[] = [];
  for (const line of stdout.split("\n")) {
    if (!line.trim().startsWith("{")) continue;
    let doc: { payload?: string; dsseEnvelope?: { payload?: string } };
    try {
      doc = JSON.parse(line);
    } catch {
      continue;
    }
    const payload = doc.payload ?? doc.dsseEnvelope?.payload;
    if (typeof payload !== "string") continue;
    try {
      out.push(JSON.parse(Buffer.from(payload, "base64").toString("utf8")) as Statement);
    } catch {
      throw new GantryError(`cosign printed an attestation whose payload is not an in-toto statement: ${line.slice(0, 200)}`);
    }
  }
  return out;
}

/** Why cosign refused, in words: no signature at all, or one that does not match the trusted identity. */
export function cosignRefusal(outcome: CosignOutcome, what: string, trusted: TrustedIdentityFacts): string {
  const err = outcome.stderr;
  const last = (err.trim().split("\n").filter(Boolean).at(-1) ?? `cosign exited with ${outcome.status}`).trim();
  // cosign 3.1.3's words: a signature that the key does not verify, then no signature at all.
  if (/failed to verify signature|do not match threshold|invalid signature|verification failed|certificate identity|expected identity/i.test(err)) {
    return `${what}: not signed by ${trustedName(trusted)} (${last})`;
  }
  if (/none of the attestations matched the predicate type/i.test(err)) return `${what}: none of the image's attestations has this type (${last})`;
  if (/no signatures found|no matching signatures|no matching attestations/i.test(err)) return `${what}: none found on the image (${last})`;
  return `${what}: cosign could not verify it (${last})`;
}

export function trustedName(trusted: TrustedIdentityFacts): string {
  return trusted.kind === "key" ? `the key ${trusted.key}` : `the identity ${trusted.identity ?? `~${trusted.identityRegexp}`} from ${trusted.issuer}`;
}

/** The commits the image's verified provenance statements name: what the adapter asks git about. */
export function attestedCommits(evidence: VerifyEvidence, reference: string): string[] {
  const digest = parseImageReference(reference, "image").digest;
  if (evidence.attestations.provenance.status !== 0 || !digest) return [];
  const commits = statementsOf(evidence.attestations.provenance.stdout)
    .filter((s) => s.predicateType === PREDICATE_TYPES.slsaprovenance1 && s.subject?.some((sub) => `sha256:${sub.digest?.sha256}` === digest))
    .map((s) => readProvenance(s.predicate, PREDICATE_TYPES.slsaprovenance1)?.commit ?? "");
  return [...new Set(commits.filter(isGitHash))];
}

/** Everything cosign verified, judged against the expectations; `ancestry` answers for the provenance's commit. */
export function judgeVerification(evidence: VerifyEvidence, expected: VerifyExpectations, ancestry: (commit: string) => Ancestry): VerifiedAttestations {
  const ref = parseImageReference(expected.reference, "image");
  if (!ref.digest) throw new GantryError(`verify needs the image by digest (repository@sha256:…), got ${expected.reference}`);
  const checks: VerifyCheck[] = [];
  const check = (name: string, passed: boolean, detail: string) => checks.push({ name, passed, detail });

  const signed = evidence.signature.status === 0;
  check("signature", signed, signed ? `signed by ${trustedName(expected.trusted)}` : cosignRefusal(evidence.signature, "signature", expected.trusted));

  const predicates = {} as Partial<Record<AttestationKind, unknown>>;
  const predicateTypes = {} as Partial<Record<AttestationKind, string>>;
  for (const kind of ATTESTATION_KINDS) {
    const outcome = evidence.attestations[kind];
    if (outcome.status !== 0) {
      check(`${kind}.signature`, false, cosignRefusal(outcome, `${kind} attestation`, expected.trusted));
      continue;
    }
    const statement = statementsOf(outcome.stdout).find((s) => s.subject?.some((sub) => `sha256:${sub.digest?.sha256}` === ref.digest));
    if (!statement) {
      check(`${kind}.subject`, false, `${kind} attestation: none names the image's digest ${ref.digest} as its subject`);
      continue;
    }
    check(`${kind}.signature`, true, `${kind} attestation (${statement.predicateType}) signed by ${trustedName(expected.trusted)}`);
    predicates[kind] = statement.predicate;
    predicateTypes[kind] = statement.predicateType ?? "";
  }

  const sbom = predicates.sbom === undefined ? undefined : readSbom(predicates.sbom, predicateTypes.sbom!);
  const provenance = predicates.provenance === undefined ? undefined : readProvenance(predicates.provenance, predicateTypes.provenance!);
  const scan = predicates.scan === undefined ? undefined : readScan(predicates.scan, predicateTypes.scan!, expected.now);

  if (provenance) judgeProvenance(provenance, expected, ancestry, check);
  else if (predicates.provenance !== undefined) check("provenance", false, "provenance attestation: not a SLSA provenance v1 predicate");
  if (scan) judgeScan(scan, expected, check);
  else if (predicates.scan !== undefined) check("scan", false, "scan attestation: not a vulnerability scan predicate Gantry wrote (no scanner.result.gate)");

  const reasons = checks.filter((c) => !c.passed).map((c) => c.detail);
  return {
    verified: reasons.length === 0,
    image: { repository: `${ref.registry}/${ref.repository}`, digest: ref.digest },
    trusted: expected.trusted,
    verifiedAt: expected.now.toISOString(),
    signature: signed,
    sbom,
    provenance,
    scan,
    checks,
    reasons,
  };
}

function judgeProvenance(
  p: VerifiedProvenance,
  expected: VerifyExpectations,
  ancestry: (commit: string) => Ancestry,
  check: (name: string, passed: boolean, detail: string) => void,
): void {
  if (!expected.repository) {
    check(
      "provenance.repository",
      false,
      "provenance: this pipeline names no repository to compare with; set image.sourceUrl (e.g. https://github.com/acme/api)",
    );
  } else {
    const same = normaliseRepository(p.repository) === normaliseRepository(expected.repository);
    check(
      "provenance.repository",
      same,
      same ? `built from ${p.repository}` : `provenance: built from ${p.repository}, not from this repository (${expected.repository})`,
    );
  }
  const builder = expected.builderIds.includes(p.builderId);
  check(
    "provenance.builder",
    builder,
    builder ? `built by ${p.builderId}` : `provenance: built by ${p.builderId}, not by a trusted builder (${expected.builderIds.join(", ")})`,
  );
  const pipeline = p.pipeline.path === expected.pipelinePath;
  check(
    "provenance.pipeline",
    pipeline,
    pipeline ? `by the pipeline ${p.pipeline.path}` : `provenance: built by the pipeline ${p.pipeline.path}, not by ${expected.pipelinePath}`,
  );
  if (!isGitHash(p.commit)) return check("provenance.ancestry", false, `provenance: "${p.commit}" is not a git commit hash`);
  const found = ancestry(p.commit);
  const detail: Record<Ancestry, string> = {
    ancestor: `commit ${p.commit} is in this commit's history`,
    "not-ancestor": `provenance: commit ${p.commit} is not in this commit's history (built from another branch or a rewritten history)`,
    "unknown-commit": `provenance: commit ${p.commit} is unknown to this checkout (a shallow clone? fetch the history: fetch-depth: 0 / GIT_DEPTH: 0)`,
    "not-checked": `provenance: commit ${p.commit}; ancestry not checked (the source has no .git)`,
  };
  check("provenance.ancestry", found === "ancestor", detail[found]);
}

function judgeScan(s: VerifiedScan, expected: VerifyExpectations, check: (name: string, passed: boolean, detail: string) => void): void {
  const passed = s.status === "passed" && s.passed;
  check(
    "scan.verdict",
    passed,
    passed
      ? `scan gate passed: ${s.summary}`
      : `scan: the gate's verdict was "${s.status}" (${s.summary}${s.failingIds.length ? `; failing: ${s.failingIds.slice(0, 10).join(", ")}` : ""})`,
  );
  const maxAge = Math.floor(expected.maxScanAgeMs / 1000);
  const fresh = s.ageSeconds <= maxAge;
  check(
    "scan.age",
    fresh,
    fresh
      ? `scanned ${s.finishedAt} (${formatAge(s.ageSeconds)} ago)`
      : `scan: ran ${s.finishedAt}, ${formatAge(s.ageSeconds)} ago, older than the ${formatAge(maxAge)} allowed; publish (or scan and attest) again`,
  );
}

function formatAge(seconds: number): string {
  if (seconds >= 86_400 && seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds >= 3600) return `${Math.floor(seconds / 3600)}h${Math.floor((seconds % 3600) / 60)}m`;
  if (seconds >= 60) return `${Math.floor(seconds / 60)}m${seconds % 60}s`;
  return `${seconds}s`;
}

/** https://github.com/acme/api, git+https://github.com/acme/api.git and ….com/acme/api/ name one repository. */
function normaliseRepository(uri: string): string {
  return uri
    .trim()
    .replace(/^git\+/, "")
    .replace(/\/+$/, "")
    .replace(/\.git$/, "")
    .toLowerCase();
}

const record = (v: unknown): Record<string, unknown> => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const text = (v: unknown): string => (typeof v === "string" ? v : "");

function readSbom(predicate: unknown, predicateType: string): VerifiedSbom {
  const p = record(predicate);
  const list = predicateType === PREDICATE_TYPES.cyclonedx ? p.components : p.packages;
  return { predicateType, packages: Array.isArray(list) ? list.length : 0 };
}

function readProvenance(predicate: unknown, predicateType: string): VerifiedProvenance | undefined {
  if (predicateType !== PREDICATE_TYPES.slsaprovenance1) return undefined;
  const p = record(predicate);
  const def = record(p.buildDefinition);
  const ext = record(def.externalParameters);
  const source = record(ext.source);
  const pipeline = record(ext.pipeline);
  return {
    predicateType,
    builderId: text(record(record(p.runDetails).builder).id),
    buildType: text(def.buildType),
    repository: text(source.repository),
    ref: text(source.ref) || undefined,
    commit: text(source.commit),
    pipeline: { path: text(pipeline.path), sha256: text(pipeline.sha256) },
    parameters: record(ext.parameters),
    dependencies: (Array.isArray(def.resolvedDependencies) ? def.resolvedDependencies : []).map((d) => {
      const r = record(d);
      return { name: text(r.name) || undefined, uri: text(r.uri), digest: record(r.digest) as Record<string, string> } satisfies ResourceDescriptor;
    }),
  };
}

function readScan(predicate: unknown, predicateType: string, now: Date): VerifiedScan | undefined {
  if (predicateType !== PREDICATE_TYPES.vuln) return undefined;
  const p = record(predicate);
  const scanner = record(p.scanner);
  const result = record(scanner.result) as Partial<ScanResultSummary>;
  const gate = record(result.gate) as Partial<ScanResultSummary["gate"]>;
  if (gate.status === undefined) return undefined;
  const metadata = record(p.metadata);
  const finishedAt = text(metadata.scanFinishedOn);
  const finished = Date.parse(finishedAt);
  return {
    predicateType,
    status: gate.status,
    passed: gate.passed === true,
    summary: text(gate.summary),
    scannedAt: text(metadata.scanStartedOn),
    finishedAt,
    // A scan without a readable time counts as infinitely old.
    ageSeconds: Number.isNaN(finished) ? Number.MAX_SAFE_INTEGER : Math.max(0, Math.floor((now.getTime() - finished) / 1000)),
    counts: record(result.counts) as Partial<ScanResultSummary["counts"]>,
    failing: typeof gate.failing === "number" ? gate.failing : 0,
    failingIds: Array.isArray(gate.failingIds) ? gate.failingIds.map(String) : [],
    scanner: { uri: text(scanner.uri), version: text(scanner.version) },
  };
}
