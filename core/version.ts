/** Gantry's own version: reported as the analyzer in GitLab reports and the tool in SARIF. */
export const GANTRY_VERSION = "0.1.0";
