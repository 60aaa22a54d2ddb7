// The checks every request passes before Next or socket.io see it (server.ts): the Host
// must be one of ours (DNS rebinding), and a state-changing request that a browser sends
// must come from our own origin (cross-site writes). Pure functions over the headers, so
// the same rules serve HTTP requests and the socket.io handshake.
//
// - Host: loopback names (localhost, 127.0.0.1, [::1]) with any port, the configured HOST
//   when it names one host, and ALLOWED_HOSTS. Anything else: 421. X-Forwarded-Host, when
//   a proxy sets it, must be allowed too.
// - Origin: on POST/PUT/PATCH/DELETE (and on every socket.io handshake, since WebSockets
//   have no CORS) an `Origin` header must equal this server's own origin exactly —
//   scheme, host and port — and `Sec-Fetch-Site` must be `same-origin` or `none`. A
//   request with neither header is a non-browser client: fine without a cookie, refused
//   with one (a browser that hides where the request came from gets no benefit of doubt).
import type { IncomingHttpHeaders } from "node:http";
import { env } from "@/lib/env";
import type { ErrorCode } from "@/lib/errors";

export interface Refusal {
  status: number;
  code: ErrorCode;
  message: string;
  field: string;
}

type Headers = IncomingHttpHeaders | Record<string, string | string[] | undefined>;

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];
const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The host name of a Host header value, lower-cased, without the port (`[::1]` keeps its brackets). */
export function hostName(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const value = host.trim().toLowerCase();
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(value);
  return match ? match[1]!.replace(/\.$/, "") : undefined;
}

/** Host names this server answers to. */
export function allowedHostNames(): Set<string> {
  const config = env();
  const names = new Set(LOOPBACK_NAMES);
  const bound = config.HOST?.trim().toLowerCase();
  if (bound && bound !== "0.0.0.0" && bound !== "::") names.add(bound.includes(":") && !bound.startsWith("[") ? `[${bound}]` : bound);
  for (const name of config.ALLOWED_HOSTS) names.add(name);
  return names;
}

export function isAllowedHost(host: string | undefined, allowed = allowedHostNames()): boolean {
  const name = hostName(host);
  return name !== undefined && allowed.has(name);
}

/** 421 unless Host (and X-Forwarded-Host, when present) names this server. */
export function checkHost(headers: Headers): Refusal | null {
  const allowed = allowedHostNames();
  const forwarded = header(headers, "x-forwarded-host");
  for (const [field, value] of [
    ["host", header(headers, "host")],
    ...(forwarded === undefined ? [] : [["x-forwarded-host", forwarded.split(",")[0]]]),
  ] as const) {
    if (!isAllowedHost(value, allowed)) {
      return {
        status: 421,
        code: "misdirected_request",
        message: `${field}: this server does not answer to "${value ?? ""}" (add the name to ALLOWED_HOSTS)`,
        field,
      };
    }
  }
  return null;
}

/** This server's origin as the browser sees it: scheme (https behind a TLS proxy) + host + port. */
export function ownOrigin(headers: Headers): string | undefined {
  const host = header(headers, "x-forwarded-host")?.split(",")[0]?.trim() ?? header(headers, "host");
  if (!host) return undefined;
  const proto = header(headers, "x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase() === "https" ? "https" : "http";
  try {
    return new URL(`${proto}://${host}`).origin;
  } catch {
    return undefined;
  }
}

/** An Origin header value equals this server's own origin, scheme included. */
export function isOwnOrigin(origin: string, headers: Headers): boolean {
  const own = ownOrigin(headers);
  if (!own || origin === "null") return false;
  try {
    return new URL(origin).origin === own;
  } catch {
    return false;
  }
}

export function isStateChanging(method: string | undefined): boolean {
  return UNSAFE_METHODS.has((method ?? "GET").toUpperCase());
}

/**
 * 403 when a browser sends the request from another origin (or hides its origin while
 * carrying a cookie). `always` applies the check whatever the method (socket.io handshakes).
 */
export function checkOrigin(method: string | undefined, headers: Headers, options: { always?: boolean } = {}): Refusal | null {
  if (!options.always && !isStateChanging(method)) return null;
  const origin = header(headers, "origin");
  const site = header(headers, "sec-fetch-site")?.toLowerCase();
  const refuse = (message: string, field: string): Refusal => ({ status: 403, code: "forbidden", message, field });
  if (origin !== undefined && !isOwnOrigin(origin, headers)) {
    return refuse(
      `origin: requests from ${origin} may not change anything here (expected ${ownOrigin(headers) ?? "this server's origin"})`,
      "origin",
    );
  }
  if (site !== undefined && site !== "same-origin" && site !== "none") {
    return refuse(`sec-fetch-site: ${site} requests may not change anything here`, "sec-fetch-site");
  }
  if (origin === undefined && site === undefined && header(headers, "cookie") !== undefined && !options.always) {
    return refuse("origin: a request carrying a cookie must say where it comes from (Origin header)", "origin");
  }
  return null;
}

/** Host first, then origin: the one gate of server.ts. */
export function checkRequest(method: string | undefined, headers: Headers, options: { always?: boolean } = {}): Refusal | null {
  return checkHost(headers) ?? checkOrigin(method, headers, options);
}

/** The refusal as the API's one error shape. */
export function refusalBody(refusal: Refusal): string {
  return JSON.stringify({ error: { code: refusal.code, message: refusal.message, field: refusal.field } });
}
