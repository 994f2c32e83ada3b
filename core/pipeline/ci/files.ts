import type { Pipeline } from "../schema.js";
import { githubWorkflow, GITHUB_WORKFLOW_FILE } from "./github.js";
import { gitlabCi, GITLAB_CI_FILE } from "./gitlab.js";
import { JENKINSFILE, jenkinsfile } from "./jenkins.js";
import { checkCiOptions, type CiOptions } from "./shared.js";

/** The three CI files of a pipeline, by their path in the repository. */
export function ciFiles(pipeline: Pipeline, options: CiOptions): Record<string, string> {
  checkCiOptions(options);
  return {
    [GITHUB_WORKFLOW_FILE]: githubWorkflow(pipeline, options),
    [GITLAB_CI_FILE]: gitlabCi(pipeline, options),
    [JENKINSFILE]: jenkinsfile(pipeline, options),
  };
}
