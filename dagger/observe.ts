import type { Directory, File } from "@dagger.io/dagger";

import { alertFiles } from "../core/kube/observe/alert-rules.js";
import { serviceView, type ServiceView } from "../core/kube/observe/service-view.js";
import { environmentOf } from "../core/pipeline/deploy-request.js";
import type { StageContext } from "./context.js";
import { serviceName } from "./deploy.js";
import { reportDirectory } from "./report-directory.js";

async function viewOf(ctx: StageContext, environment: string): Promise<ServiceView> {
  return serviceView(await serviceName(ctx), environmentOf(ctx.pipeline, environment));
}

/** The environment's Grafana dashboard, `<service>-<environment>.json`. */
export async function environmentDashboard(ctx: StageContext, environment: string): Promise<File> {
  const view = await viewOf(ctx, environment);
  // The foundation SDK loads only here: no other function pays for it.
  const { dashboardJson } = await import("../core/kube/observe/dashboard.js");
  const name = `${view.service}-${view.environment}.json`;
  return reportDirectory({ [name]: dashboardJson(view) }).file(name);
}

/** rules.yaml, prometheusrule.yaml and servicemonitor.yaml for the environment. */
export async function environmentAlerts(ctx: StageContext, environment: string): Promise<Directory> {
  return reportDirectory(alertFiles(await viewOf(ctx, environment)));
}
