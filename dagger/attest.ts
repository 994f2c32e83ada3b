import { dag, type Container } from "@dagger.io/dagger";

import type { SignOptions } from "../core/image/sign.js";
import type { ToolRun } from "../core/image/tool-run.js";
import { provenanceInputFor } from "../core/pipeline/attestations.js";
import { judgeScan } from "../core/scan/scan-state.js";
import { planAttestations } from "../core/supply/attest-plan.js";
import type { AttestationKind } from "../core/supply/predicate-types.js";
import { provenanceJson } from "../core/supply/provenance.js";
import { scanPredicateJson } from "../core/supply/scan-predicate.js";
import type { StageContext } from "./context.js";
import { serviceImages } from "./image.js";
import { imageDigest, type OciLayout } from "./oci-layout.js";
import { imageSbom } from "./sbom.js";
import { runScan, scanFiles } from "./scan.js";
import { stepName, toolStep, withToolFile, withToolNewFile } from "./tool.js";

/** Runs a cosign ToolRun signed as publish signs (key or keyless, registry login), with files mounted by `mount`. */
export type CosignRunner = (run: ToolRun, mount?: (c: Container) => Container) => Promise<Container>;

export interface Published {
  layout: OciLayout;
  platforms: string[];
  tags: string[];
  repository: string;
}

/**
 * Attaches the SBOM, SLSA provenance and scan attestations to the pushed digest. The predicates
 * are the core's bytes; the scan is the pipeline's own (the same call as the scan stage, so a run's
 * scan within Dagger's 10-minute cache is reused, not repeated) and is attested whatever its verdict:
 * a failed gate stays failed in the attestation, and verify refuses it.
 */
export async function attestImage(ctx: StageContext, published: Published, signing: SignOptions, cosign: CosignRunner): Promise<void> {
  const native = await dag.defaultPlatform();
  const platform = published.platforms.includes(native) ? native : published.platforms[0]!;
  const variant = (await serviceImages(ctx, [platform])).variants[0]!;
  const scanned = await runScan({ kind: "image-archive", tarball: variant.asTarball() }, ctx.pipeline.scan, scanFiles(ctx.repository, ctx.pipeline.scan));
  const { report, verdict } = judgeScan(scanned);
  const builderId = ctx.pipeline.publish.builderId;
  const images = [
    { name: "go-toolchain", ref: ctx.toolchain.image, digest: await imageDigest(ctx.toolchain.image) },
    ...published.layout.bases.map((b) => ({ name: `base ${b.platform}`, ref: b.ref, digest: b.manifestDigest })),
  ];
  const provenance = provenanceJson(
    provenanceInputFor(ctx.pipeline, ctx.pipelineFile, ctx.release, { platforms: published.platforms, tags: published.tags, images }),
  );
  const scan = scanPredicateJson({ state: scanned, verdict, report, builderId });
  const predicates: Record<AttestationKind, (c: Container, path: string) => Container> = {
    sbom: (c, path) => withToolFile(c, "cosign", path, imageSbom(variant, ctx.pipeline.image.sbomFormat, published.repository)),
    provenance: (c, path) => withToolNewFile(c, "cosign", path, provenance),
    scan: (c, path) => withToolNewFile(c, "cosign", path, scan),
  };
  for (const attestation of planAttestations(signing, ctx.pipeline.image.sbomFormat)) {
    const ctr = await cosign(attestation.run, (c) => predicates[attestation.kind](c, attestation.predicatePath));
    await toolStep(stepName(attestation.run), ctr.sync());
  }
}
