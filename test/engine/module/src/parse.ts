// Parsers for what Gantry returns as text: publish's references and Rollout.workloads' lines.
import { expectThat } from "./expect.js";

export interface Workload {
  name: string;
  image: string;
  revision: string;
  ready: number;
  desired: number;
}

/** `deployment/<name> image=<ref> revision=<rev> ready=<n>/<desired>`, as Rollout.workloads writes each line. */
export function parseWorkload(line: string): Workload {
  const match = /^deployment\/(\S+) image=(\S+) revision=(\S+) ready=(\d+)\/(\d+)$/.exec(line.trim());
  expectThat(match !== null, `workloads line ${JSON.stringify(line)} is not "deployment/<name> image=<ref> revision=<rev> ready=<n>/<desired>"`);
  return { name: match![1]!, image: match![2]!, revision: match![3]!, ready: Number(match![4]), desired: Number(match![5]) };
}

/** `<repository>:<tag>@sha256:<digest>`, as publish returns each pushed reference. */
export function parsePushedRef(ref: string, repository: string): { tag: string; digest: string } {
  const match = /^(.+):([^:@/]+)@(sha256:[0-9a-f]{64})$/.exec(ref);
  expectThat(match !== null && match[1] === repository, `publish returned ${JSON.stringify(ref)}, not ${repository}:<tag>@sha256:<digest>`);
  return { tag: match![2]!, digest: match![3]! };
}
