import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";

import { PIPELINE_SCHEMA_FILE, pipelineJsonSchema } from "../../../core/pipeline/json-schema.js";
import { loadPipeline } from "../../../core/pipeline/load.js";
import { FILE, problems } from "./problems.js";
import { parse } from "yaml";

const root = fileURLToPath(new URL("../../../", import.meta.url));

describe("pipeline loading", () => {
  it("fills every default from an empty file", () => {
    const p = loadPipeline("", FILE);
    expect(p.source).toBe(".");
    expect(p.go.platforms).toEqual(["linux/amd64", "linux/arm64"]);
    expect(p.go.pkg).toBe(".");
    expect(p.test).toMatchObject({ packages: ["./..."], cover: true, count: 1, timeout: "10m" });
    expect(p.image).toMatchObject({ base: "distroless", port: 8080, user: 65532, labels: {} });
    expect(p.scan).toMatchObject({ severities: ["HIGH", "CRITICAL"], failOpen: false, trivyImage: "aquasec/trivy:0.74.0" });
    expect(p.publish).toMatchObject({ tags: [], tlogUpload: true });
  });

  it("keeps what the file says", () => {
    const p = loadPipeline(
      "name: api\ngo:\n  pkg: ./cmd/api\n  platforms: [linux/arm/v7]\nscan:\n  maxCounts: {HIGH: 3}\npublish:\n  password: env:TOKEN\n",
      FILE,
    );
    expect(p.name).toBe("api");
    expect(p.go.pkg).toBe("./cmd/api");
    expect(p.go.platforms).toEqual(["linux/arm/v7"]);
    expect(p.scan.maxCounts).toEqual({ HIGH: 3 });
    expect(p.publish.password).toBe("env:TOKEN");
  });

  // Each broken file with the message it must give: file:line:column, the field path, and why.
  const broken: [string, string, RegExp][] = [
    ["a typo in a top-level key", "nmae: api\n", /svc\.yaml:1:1: nmae: unknown setting; did you mean "name"\?/],
    ["a typo in a nested key", "scan:\n  severites: [HIGH]\n", /:2:3: scan\.severites: unknown setting; did you mean "severities"\?/],
    ["an unknown key far from any", "go:\n  zzzzzzzz: 1\n", /:2:3: go\.zzzzzzzz: unknown setting \(known here: version, image, pkg/],
    ["an unknown severity", "scan:\n  severities: [HIGH, CRTICAL]\n", /:2:22: scan\.severities\[1\]: Invalid option/],
    ["an inline password", "publish:\n  password: hunter2\n", /:2:13: publish\.password: credentials are given by reference, never inline/],
    ["an inline cosign key", "publish:\n  cosignKey: '-----BEGIN'\n", /publish\.cosignKey: credentials are given by reference/],
    ["a wrong type", "image:\n  port: http\n", /:2:9: image\.port: Invalid input: expected number/],
    ["a port out of range", "image:\n  port: 70000\n", /image\.port: Too big/],
    ["uid 0", "image:\n  user: 0\n", /image\.user: Too small/],
    ["a bad duration", "test:\n  timeout: 5 minutes\n", /:2:12: test\.timeout: expected a Go duration/],
    ["a bad platform", "go:\n  platforms: [linux]\n", /go\.platforms\[0\]: expected os\/arch/],
    ["an empty platform list", "go:\n  platforms: []\n", /go\.platforms: Too small/],
    ["count 0", "test:\n  count: 0\n", /test\.count: Too small/],
    ["a bad shuffle", "test:\n  shuffle: sometimes\n", /test\.shuffle: expected on, off or a seed/],
    ["a bad label key", "image:\n  labels:\n    'bad key': x\n", /image\.labels\.bad key: expected a label key/],
    ["a negative max count", "scan:\n  maxCounts: {HIGH: -1}\n", /scan\.maxCounts\.HIGH: Too small/],
    ["an unknown severity in maxCounts", "scan:\n  maxCounts: {SEVERE: 1}\n", /scan\.maxCounts\.SEVERE/],
    ["a bad SBOM format", "image:\n  sbomFormat: xml\n", /image\.sbomFormat: Invalid option/],
    ["a list where a mapping is expected", "- a\n- b\n", /svc\.yaml:1:1: expected a mapping of settings/],
    ["a YAML syntax error", "go: [\n", /svc\.yaml:2:1: /],
    ["a duplicate key", "name: a\nname: b\n", /svc\.yaml:2:1: Map keys must be unique/],
    ["an uppercase name", "name: Hello\n", /name: expected a lowercase name/],
  ];
  it.each(broken)("refuses %s", (_what, text, message) => {
    expect(problems(text)).toMatch(message);
  });

  it("reports every problem, not only the first", () => {
    expect(problems("nmae: x\nimage:\n  port: 0\n").split("\n")).toHaveLength(2);
  });
});

describe("the published JSON Schema", () => {
  it("is the one generated from the loader's schema (run npm run schema after changing it)", () => {
    expect(readFileSync(`${root}${PIPELINE_SCHEMA_FILE}`, "utf8")).toBe(pipelineJsonSchema());
  });

  const validate = new Ajv2020({ strict: false }).compile(JSON.parse(pipelineJsonSchema()));
  it.each(readdirSync(`${root}pipelines`).filter((f) => f.endsWith(".yaml")))("accepts pipelines/%s, which the loader accepts too", (name) => {
    const text = readFileSync(`${root}pipelines/${name}`, "utf8");
    expect(validate(parse(text) ?? {}), JSON.stringify(validate.errors)).toBe(true);
    expect(() => loadPipeline(text, `pipelines/${name}`)).not.toThrow();
  });

  it("agrees with the loader on broken files: an unknown key and an inline secret", () => {
    expect(validate({ nmae: "x" })).toBe(false);
    expect(validate({ publish: { password: "hunter2" } })).toBe(false);
    expect(validate({ publish: { password: "env:TOKEN" } })).toBe(true);
  });
});
