import { parse } from "yaml";
import { describe, expect, it } from "vitest";

import { CGROUP_SCRIPT_PATH, embeddedRegistryHost, k3sServerArgv, KUBECONFIG_FILE, readKubeconfigArgv, registriesYaml } from "../../../core/embedded/k3s.js";

describe("the embedded k3s server", () => {
  it("starts through the cgroup preparation, with its certificate valid for the name other containers use", () => {
    const [script, shell, flag, command] = k3sServerArgv();
    expect([script, shell, flag]).toEqual([CGROUP_SCRIPT_PATH, "sh", "-c"]);
    // An empty cluster every run, whatever an earlier run left in the cache volume.
    expect(command).toMatch(/^rm -rf \/var\/lib\/rancher\/k3s\/server \/var\/lib\/rancher\/k3s\/agent && exec k3s server /);
    expect(command).toContain("--tls-san=gantry-k3s");
    expect(command).toContain(`--write-kubeconfig=${KUBECONFIG_FILE}`);
    // Prometheus scrapes through the API server's pod proxy, which must dial pods directly.
    expect(command).toContain("--egress-selector-mode=disabled");
  });

  it("pulls from the embedded registry over plain HTTP", () => {
    expect(embeddedRegistryHost()).toBe("gantry-registry:5000");
    expect(parse(registriesYaml())).toEqual({ mirrors: { "gantry-registry:5000": { endpoint: ["http://gantry-registry:5000"] } } });
  });

  it("reads the kubeconfig once written, or fails saying how long it waited", () => {
    const [shell, flag, script] = readKubeconfigArgv(120);
    expect([shell, flag]).toEqual(["sh", "-c"]);
    expect(script).toContain(`cat ${KUBECONFIG_FILE}`);
    expect(script).toContain("k3s wrote no kubeconfig in 120s");
  });
});
