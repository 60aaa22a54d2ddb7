// The operator token (SWITCHYARD_OPERATOR_TOKEN): when set, operator endpoints, the
// dashboard pages and the socket.io connection need it, as a Bearer token (API callers)
// or as the sign-in cookie (browsers). When unset, the server listens on loopback only.
//
// The cookie never holds the token itself: it holds an HMAC of a fixed label keyed by
// the token, so a leaked cookie does not reveal the token, and changing the token signs
// every browser out.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { env } from "@/lib/env";
import { isOwnOrigin } from "@/lib/auth/request-guard";

export const OPERATOR_COOKIE = "sy_operator";
/** Browsers stay signed in this long (the cookie's Max-Age). */
export const OPERATOR_SESSION_MAX_AGE_S = 30 * 24 * 3600;

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

function sameSecret(candidate: string, expected: string): boolean {
  return timingSafeEqual(digest(candidate), digest(expected));
}

/** True when an operator token is configured (otherwise everything operator-only is open on loopback). */
export function isOperatorAuthEnabled(): boolean {
  return Boolean(env().SWITCHYARD_OPERATOR_TOKEN);
}

/** The raw token, as an API caller sends it (`Authorization: Bearer <token>`). */
export function isOperatorToken(candidate: string | undefined | null): boolean {
  const expected = env().SWITCHYARD_OPERATOR_TOKEN;
  if (!expected) return true;
  if (!candidate) return false;
  return sameSecret(candidate, expected);
}

/** The cookie value a browser keeps after signing in: derived from the token, not the token. */
export function operatorSessionValue(token = env().SWITCHYARD_OPERATOR_TOKEN): string {
  if (!token) throw new Error("no operator token configured");
  return createHmac("sha256", token).update("switchyard operator session v1").digest("base64url");
}

/** The sign-in cookie's value is valid for the configured token. */
export function isOperatorSession(candidate: string | undefined | null): boolean {
  const expected = env().SWITCHYARD_OPERATOR_TOKEN;
  if (!expected) return true;
  if (!candidate) return false;
  return sameSecret(candidate, operatorSessionValue(expected));
}

export function readCookie(header: string | null | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) {
      try {
        return decodeURIComponent(v.join("="));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function bearer(authorization: string | null | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
}

/** Operator credentials from an Authorization header value and a Cookie header value. */
export function isOperatorCredential(authorization: string | null | undefined, cookieHeader: string | null | undefined): boolean {
  if (!isOperatorAuthEnabled()) return true;
  return isOperatorToken(bearer(authorization)) || isOperatorSession(readCookie(cookieHeader, OPERATOR_COOKIE));
}

/**
 * An HTTP request from the operator. A cookie-authenticated request that changes state must
 * also come from our own origin (SameSite=Lax already keeps the cookie off cross-site
 * POSTs; this closes the gap for other ports of the same host).
 */
export function isOperatorRequest(req: Request): boolean {
  if (!isOperatorAuthEnabled()) return true;
  if (isOperatorToken(bearer(req.headers.get("authorization")))) return true;
  if (!isOperatorSession(readCookie(req.headers.get("cookie"), OPERATOR_COOKIE))) return false;
  if (req.method === "GET" || req.method === "HEAD") return true;
  const origin = req.headers.get("origin");
  return origin === null || isSameOrigin(origin, req);
}

function isSameOrigin(origin: string, req: Request): boolean {
  const headers: Record<string, string | undefined> = Object.fromEntries(req.headers);
  headers.host ??= new URL(req.url).host;
  return isOwnOrigin(origin, headers);
}

/**
 * For the socket.io handshake (`io.use((socket, next) => ...)`): the browser's sign-in
 * cookie, an `Authorization: Bearer` header, or `auth: { token }` from socket.io-client.
 * WebSockets have no CORS: a page on another origin of the same site (another port of
 * localhost) could open one with the browser's cookie, so the cookie counts only when the
 * handshake comes from our own origin.
 */
export function isOperatorHandshake(headers: IncomingHttpHeaders, auth?: unknown): boolean {
  if (!isOperatorAuthEnabled()) return true;
  const header = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join("; ") : v);
  if (isOperatorToken(bearer(header(headers.authorization)))) return true;
  const token = auth && typeof auth === "object" ? (auth as Record<string, unknown>).token : undefined;
  if (typeof token === "string" && isOperatorToken(token)) return true;
  if (!isOperatorSession(readCookie(header(headers.cookie), OPERATOR_COOKIE))) return false;
  const origin = header(headers.origin);
  // Scheme, host and port: https://127.0.0.1:PORT is not the origin of the http server there.
  return origin === undefined || isOwnOrigin(origin, headers);
}

/**
 * Registering an agent: open unless SWITCHYARD_REGISTRATION_TOKEN is set; then the caller
 * sends it (or the operator token) as a Bearer token.
 */
export function isRegistrationAllowed(req: Request): boolean {
  const expected = env().SWITCHYARD_REGISTRATION_TOKEN;
  if (!expected) return true;
  const presented = bearer(req.headers.get("authorization"));
  if (!presented) return false;
  return sameSecret(presented, expected) || (isOperatorAuthEnabled() && isOperatorToken(presented));
}

/** A `Set-Cookie` value for signing in (value = the derived session) or out (value = null). */
export function operatorCookie(value: string | null, options: { secure: boolean }): string {
  const parts = [
    `${OPERATOR_COOKIE}=${value ?? ""}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    value === null ? "Max-Age=0" : `Max-Age=${OPERATOR_SESSION_MAX_AGE_S}`,
  ];
  if (options.secure) parts.push("Secure");
  return parts.join("; ");
}
