// Field schemas shared by the environment schema and the traffic routers' settings.
import { z } from "zod";

import { isIpv4 } from "./api-limits.js";

export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const dnsLabel = z.string().regex(DNS_LABEL, "expected a DNS label (lowercase letters, digits and '-', at most 63)");
export const dnsName = z.string().regex(DNS_NAME, "expected a DNS name such as api.example.com");
export const ingressHost = dnsName.refine((host) => !isIpv4(host), "must be a DNS name, not an IP address (the API server refuses an IP as an Ingress host)");

// Gateway API's HTTPHeaderName (an RFC 7230 token), which a cookie name is too (RFC 6265).
const TOKEN = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]{1,256}$/;
export const token = (what: string) => z.string().regex(TOKEN, `expected ${what} (at most 256 letters, digits and !#$%&'*+-.^_\`|~)`);
