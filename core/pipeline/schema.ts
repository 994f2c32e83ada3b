// The pipeline file (pipelines/<name>.yaml): one description of a service, read by every function.
// Keys are spelled like the function arguments that override them (camelCase here, kebab-case on
// the CLI). This schema is the single source: the TypeScript types are inferred from it and the
// published JSON Schema (pipelines/gantry.schema.json) is generated from it.
import { z } from "zod";

import { GO_BUILD_CACHE_NAME, GO_MODULE_CACHE_NAME } from "../go/env.js";
import { DEFAULT_PORT } from "../image/plan.js";
import { DEFAULT_GATED_SEVERITIES, SEVERITIES } from "../scan/severity.js";
import { TRIVY_IMAGE } from "../scan/trivy-plan.js";
import { DEFAULT_SBOM_FORMAT, SBOM_FORMATS } from "../image/sbom.js";
import { BASE_KINDS, DEFAULT_BASE, NONROOT_UID } from "../image/bases.js";
import { imageReferenceProblem, repositoryProblem } from "../image/reference.js";
import { CI_VARIABLE_NAME, SECRET_REFERENCE, SECRET_REFERENCE_HINT } from "./secret-reference.js";
import { checkEnvironments, environmentsSchema, stagesSchema } from "./stages.js";
import { serviceNameRule } from "../kube/config/environment-rules.js";
import { publishAttestFields } from "../supply/settings.js";
import { attestationRules } from "./attestation-rules.js";

const goDuration = z.string().regex(/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/, "expected a Go duration such as 90s, 10m or 1h30m");
const platform = z.string().regex(/^[a-z0-9]+\/[a-z0-9]+(\/v\d)?$/, "expected os/arch[/variant], e.g. linux/amd64 or linux/arm/v7");
const secretRef = z.string().regex(SECRET_REFERENCE, SECRET_REFERENCE_HINT);
const labelKey = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._\-/]*$/, "expected a label key such as org.opencontainers.image.licenses");
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "expected an environment variable name");
/** A string checked by a function naming its problem (the image reference grammar). */
const checked = (problem: (value: string) => string | undefined) =>
  z.string().superRefine((value, ctx) => {
    const why = problem(value);
    if (why) ctx.addIssue({ code: "custom", message: why });
  });
const imageReference = checked(imageReferenceProblem);
const repository = checked(repositoryProblem);

export const goSchema = z
  .strictObject({
    version: z
      .string()
      .optional()
      .describe("Go version to build with, e.g. 1.26 or 1.26.3. Default: go.mod's toolchain line, else the newest patch of its go line."),
    image: imageReference.optional().describe("Go toolchain image, for mirrors and air-gapped registries. Default: golang:<go version>."),
    pkg: z.string().default(".").describe("The service's main package, relative to the Go module root, e.g. ./cmd/api."),
    buildTags: z.array(z.string()).default([]).describe("Go build tags for every build and test."),
    ldflags: z.array(z.string()).default([]).describe("Extra linker flags, appended after -s -w and the version stamps."),
    values: z.array(z.string()).default([]).describe("Extra -X stamps, as importpath.name=value."),
    stampPackage: z.string().default("main").describe("Package whose version, commit and date variables are stamped with -X."),
    cgo: z.boolean().optional().describe("Enable cgo. Default: off (static binaries), on only when the race detector needs it."),
    goprivate: z.string().default("").describe("Private module globs fetched directly, not through the proxy (GOPRIVATE)."),
    netrc: secretRef.optional().describe("A .netrc with credentials for private module hosts, as a secret reference (env:NETRC, file:~/.netrc)."),
    moduleCache: z.string().min(1, "a cache volume needs a name").default(GO_MODULE_CACHE_NAME).describe("Cache volume for downloaded modules (GOMODCACHE)."),
    buildCache: z.string().min(1, "a cache volume needs a name").default(GO_BUILD_CACHE_NAME).describe("Cache volume for compiled packages (GOCACHE)."),
    noCache: z.boolean().default(false).describe("Mount no Go caches: every run starts from nothing."),
    platforms: z.array(platform).min(1).default(["linux/amd64", "linux/arm64"]).describe("Platforms to build binaries and images for."),
  })
  .describe("The Go toolchain and build flags.");

export const testSchema = z
  .strictObject({
    packages: z.array(z.string()).min(1).default(["./..."]).describe("Package patterns to test."),
    run: z.string().default("").describe("Run only tests matching this regular expression (-run)."),
    skip: z.string().default("").describe("Skip tests matching this regular expression (-skip)."),
    race: z.boolean().default(false).describe("Enable the race detector (turns cgo on)."),
    cover: z.boolean().default(true).describe("Measure statement coverage."),
    coverpkg: z.string().default("").describe("Packages to measure coverage for (-coverpkg), e.g. ./..."),
    count: z.int().min(1).default(1).describe("Run each test this many times (-count)."),
    timeout: goDuration.default("10m").describe("Fail a test binary that runs longer than this (-timeout)."),
    shuffle: z
      .string()
      .regex(/^(on|off|\d+)?$/, "expected on, off or a seed")
      .default("")
      .describe("Randomise test order: on, off or a seed (-shuffle)."),
    short: z.boolean().default(false).describe("Tell long-running tests to shorten (-short)."),
    failfast: z.boolean().default(false).describe("Stop after the first failing test (-failfast)."),
  })
  .describe("How go test runs.");

export const imageSchema = z
  .strictObject({
    base: z.enum(BASE_KINDS).default(DEFAULT_BASE).describe("Runtime base: distroless (static, nonroot), scratch, alpine, or custom (baseImage names it)."),
    baseImage: imageReference.optional().describe("The custom base's reference, or a mirror of the distroless or alpine image."),
    port: z.int().min(1).max(65535).default(DEFAULT_PORT).describe("Port the service listens on, exposed by the image."),
    user: z.int().min(1).max(2147483647).default(NONROOT_UID).describe("Numeric uid the image runs as; never 0."),
    labels: z.record(labelKey, z.string()).default({}).describe("Extra image labels."),
    env: z.record(envName, z.string()).default({}).describe("Environment variables set in the image."),
    args: z.array(z.string()).default([]).describe("Default arguments passed to the service's binary."),
    entrypoint: z.string().optional().describe("Where the binary goes in the image, and what runs. Default: /app/<name>."),
    workdir: z.string().optional().describe("Working directory. Default: the binary's directory."),
    tzdata: z.boolean().default(false).describe("Copy the time zone database into bases that lack it (scratch, alpine)."),
    sourceUrl: z.string().default("").describe("Repository URL for the org.opencontainers.image.source label."),
    sbomFormat: z.enum(SBOM_FORMATS).default(DEFAULT_SBOM_FORMAT).describe("SBOM format made by syft."),
  })
  .refine((image) => image.base !== "custom" || Boolean(image.baseImage), {
    message: "base: custom needs baseImage, the image to start from",
    path: ["baseImage"],
  })
  .describe("The runtime image's shape.");

export const scanSchema = z
  .strictObject({
    severities: z
      .array(z.enum(SEVERITIES))
      .min(1)
      .default(() => [...DEFAULT_GATED_SEVERITIES])
      .describe("Severities that fail the gate."),
    ignoreUnfixed: z.boolean().default(false).describe("Let findings without a released fix pass the gate."),
    maxCounts: z.partialRecord(z.enum(SEVERITIES), z.int().min(0)).default({}).describe("Tolerated counts per severity; the gate fails above them."),
    allowList: z.string().optional().describe("Accepted vulnerabilities: a YAML file of {id, until, reason, package}, relative to the repository root."),
    ignoreFile: z.string().optional().describe("A .trivyignore or .trivyignore.yaml that Trivy applies, relative to the repository root."),
    dbRepositories: z.array(imageReference).default([]).describe("Vulnerability DB repositories, tried in order. Default: Trivy's."),
    javaDbRepositories: z.array(imageReference).default([]).describe("Java DB repositories, tried in order. Default: Trivy's."),
    timeout: goDuration.default("10m").describe("How long Trivy may run."),
    trivyImage: imageReference.default(TRIVY_IMAGE).describe("Trivy image, pinned by tag; point it at a mirror if needed."),
    trivyCache: z.string().default("gantry-trivy-db").describe("Cache volume for Trivy's vulnerability DB."),
    failOpen: z.boolean().default(false).describe('Pass with a "not scanned" verdict when no DB mirror can be reached, instead of failing closed.'),
  })
  .describe("The vulnerability scan and its gate.");

export const publishSchema = z
  .strictObject({
    repository: repository.optional().describe("Repository to push to, without tag: ghcr.io/acme/api."),
    tags: z
      .array(z.string())
      .default([])
      .describe("Extra tags or templates ({{version}}, {{major}}, {{minor}}, {{sha}}, {{short_sha}}, {{branch}}, {{date}})."),
    username: z.string().default("").describe("Registry user name."),
    password: secretRef.optional().describe("Registry password or token, as a secret reference (env:GITHUB_TOKEN)."),
    cosignKey: secretRef.optional().describe("cosign private key to sign the pushed digest with, as a secret reference."),
    cosignPassword: secretRef.optional().describe("Password of the cosign key, as a secret reference."),
    tlogUpload: z.boolean().default(true).describe("Record the signature in the public Rekor transparency log."),
    attachSbom: z.boolean().default(false).describe("Attach an SBOM to the digest as a signed attestation (needs cosignKey)."),
    ...publishAttestFields,
  })
  .describe("Where and how the image is pushed.");

/** A reusable workflow in another repository, as `jobs.<id>.uses` takes it. */
const REUSABLE_WORKFLOW = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/\.github\/workflows\/[A-Za-z0-9_.-]+\.ya?ml@[A-Za-z0-9_./-]+$/;

export const ciSchema = z
  .strictObject({
    engine: z
      .strictObject({
        hostVariable: z
          .string()
          .regex(CI_VARIABLE_NAME, "expected the name of a CI variable (a POSIX name, not GANTRY_*), e.g. DAGGER_ENGINE_HOST")
          .describe(
            "The CI variable (GitHub: a repository or organisation variable) holding the engine's address, e.g. tcp://dagger-engine.ci:1234 or kube-pod://dagger-engine-0?namespace=dagger; the generated jobs set _EXPERIMENTAL_DAGGER_RUNNER_HOST from it.",
          ),
      })
      .optional()
      .describe("A shared Dagger engine the generated jobs connect to instead of starting one per job (GitLab then needs no Docker-in-Docker)."),
    github: z
      .strictObject({
        reusablePublish: z
          .union([
            z.boolean(),
            z.strictObject({
              uses: z
                .string()
                .regex(
                  REUSABLE_WORKFLOW,
                  "expected <owner>/<repository>/.github/workflows/<file>.yml@<ref>, e.g. acme/ci/.github/workflows/gantry-publish.yml@v1",
                )
                .describe("A central copy of the generated gantry-publish.yml, in a repository the service's developers cannot change."),
            }),
          ])
          .default(false)
          .describe(
            "Run publish in a reusable workflow (workflow_call, .github/workflows/gantry-publish.yml) with id-token and attestations permissions, so its signatures and provenance name that workflow: GitHub documents this isolation as SLSA Build Level 3.",
          ),
      })
      .prefault({})
      .describe("Options of the generated GitHub workflow."),
  })
  .describe("How the generated CI files run (ci-files).");

export const pipelineSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]*$/, "expected a lowercase name such as hello-api")
      .optional()
      .describe("Binary and image title. Default: the main package's directory, or the module's last path element."),
    source: z.string().default(".").describe("The Go module (a directory with go.mod), relative to the repository root."),
    go: goSchema.prefault({}),
    test: testSchema.prefault({}),
    image: imageSchema.prefault({}),
    scan: scanSchema.prefault({}),
    publish: publishSchema.prefault({}),
    environments: environmentsSchema,
    stages: stagesSchema,
    ci: ciSchema.prefault({}),
  })
  .superRefine(checkEnvironments)
  .superRefine((pipeline, ctx) => serviceNameRule(pipeline, (path, message) => ctx.addIssue({ code: "custom", path, message })))
  .superRefine((pipeline, ctx) => attestationRules(pipeline, (path, message) => ctx.addIssue({ code: "custom", path, message })))
  .describe("A Gantry pipeline: one Go service, how it is tested, built, packaged, scanned, published and deployed.");

export type PipelineInput = z.input<typeof pipelineSchema>;
export type Pipeline = z.output<typeof pipelineSchema>;
export type GoConfig = Pipeline["go"];
export type TestConfig = Pipeline["test"];
export type ImageConfig = Pipeline["image"];
export type ScanConfig = Pipeline["scan"];
export type PublishConfig = Pipeline["publish"];
export type { StageCondition, StageConfig } from "./stages.js";
