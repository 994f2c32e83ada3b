import type { Pipeline } from "../schema.js";
import { githubPublishWorkflow, githubWorkflow, GITHUB_PUBLISH_WORKFLOW_FILE, GITHUB_WORKFLOW_FILE } from "./github.js";
import { gitlabCi, GITLAB_CI_FILE } from "./gitlab.js";
import { JENKINSFILE, jenkinsfile } from "./jenkins.js";
import { checkCiOptions, type CiOptions } from "./shared.js";

/** The three CI files of a pipeline (and GitHub's reusable publish workflow when asked for), by their path in the repository. */
export function ciFiles(pipeline: Pipeline, options: CiOptions): Record<string, string> {
  checkCiOptions(options);
  const publishWorkflow = githubPublishWorkflow(pipeline, options);
  return {
    [GITHUB_WORKFLOW_FILE]: githubWorkflow(pipeline, options),
    ...(publishWorkflow ? { [GITHUB_PUBLISH_WORKFLOW_FILE]: publishWorkflow } : {}),
    [GITLAB_CI_FILE]: gitlabCi(pipeline, options),
    [JENKINSFILE]: jenkinsfile(pipeline, options),
  };
}
