import { describe, expect, it } from "vitest";
import { FileError } from "../../../core/errors.js";
import { kustomizeArgv } from "../../../core/kube/kubectl.js";
import { pinManifestFiles, pinUserManifests } from "../../../core/kube/manifests/user-manifests.js";
import { IMAGE_A } from "./fixtures.js";

const MANIFESTS = `# the API
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      initContainers:
        - name: migrate
          image: ghcr.io/acme/hello-api:latest # same image, migrations
      containers:
        - name: api
          image: ghcr.io/acme/hello-api:1.0
        - name: proxy
          image: envoyproxy/envoy:v1.30.0
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: report
              image: ghcr.io/acme/hello-api
`;

describe("pinning the image in the user's manifests", () => {
  it("replaces every container of the same repository, wherever the pod spec sits, and keeps comments", () => {
    const { yaml, replaced } = pinUserManifests(MANIFESTS, IMAGE_A, "deploy/");
    expect(replaced).toBe(3);
    expect(yaml.match(new RegExp(IMAGE_A.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"), "g"))).toHaveLength(3);
    expect(yaml).toContain("image: envoyproxy/envoy:v1.30.0");
    expect(yaml).toContain("# the API");
    expect(yaml).toContain("# same image, migrations");
    expect(yaml).toContain("---\napiVersion: batch/v1");
  });
  it("replaces a placeholder name with match", () => {
    const { replaced, yaml } = pinUserManifests("kind: Pod\nspec:\n  containers:\n    - name: a\n      image: hello-api\n", IMAGE_A, "pod.yaml", "hello-api");
    expect(replaced).toBe(1);
    expect(yaml).toContain(`image: ${IMAGE_A}`);
  });
  it("refuses manifests where nothing uses the image, and a tag-only image", () => {
    expect(() => pinUserManifests("kind: Pod\nspec:\n  containers:\n    - name: a\n      image: nginx\n", IMAGE_A, "pod.yaml")).toThrow(FileError);
    expect(() => pinUserManifests(MANIFESTS, "ghcr.io/acme/hello-api:1.0", "deploy/")).toThrow(/no digest/);
  });
  it("reports YAML errors with the file and line", () => {
    expect(() => pinUserManifests("kind: Pod\nspec: [\n", IMAGE_A, "bad.yaml")).toThrow(/^bad\.yaml:\d+:/);
  });
  it("refuses an alias bomb in a later document with the file and the line of the first alias (was ReferenceError: Excessive alias count)", () => {
    const bomb = "kind: ConfigMap\ndata:\n  a: &a [x,x,x,x,x,x,x,x,x,x]\n  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n  d: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n";
    expect(() => pinUserManifests(`${MANIFESTS}---\n${bomb}`, IMAGE_A, "deploy/all.yaml")).toThrow(FileError);
    const lineOfFirstAlias = `${MANIFESTS}---\n`.split("\n").length + 3;
    expect(() => pinUserManifests(`${MANIFESTS}---\n${bomb}`, IMAGE_A, "deploy/all.yaml")).toThrow(new RegExp(`^deploy/all\\.yaml:${lineOfFirstAlias}: the aliases \\(\\*name\\) expand to too many nodes`));
  });
  it("renders a kustomization with kubectl's built-in kustomize", () => {
    expect(kustomizeArgv("deploy/overlays/prod")).toEqual(["kubectl", "kustomize", "deploy/overlays/prod"]);
  });
});

describe("pinning a directory of manifests", () => {
  const service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n";
  it("pins across files in path order; files without the image pass through", () => {
    const { yaml, replaced } = pinManifestFiles([{ path: "b-deploy.yaml", text: MANIFESTS }, { path: "a-service.yaml", text: service }], IMAGE_A);
    expect(replaced).toBe(3);
    expect(yaml.startsWith(service)).toBe(true);
    expect(yaml).toContain(`${service}---\n# the API`);
  });
  it("names the file with broken YAML", () => {
    expect(() => pinManifestFiles([{ path: "x.yaml", text: "kind: [" }, { path: "y.yaml", text: MANIFESTS }], IMAGE_A)).toThrow(/^x\.yaml/);
  });
  it("refuses a directory where nothing uses the image", () => {
    expect(() => pinManifestFiles([{ path: "a-service.yaml", text: service }], IMAGE_A)).toThrow(/no container uses the image ghcr.io\/acme\/hello-api/);
  });
});
