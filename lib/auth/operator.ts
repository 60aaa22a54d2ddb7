// The operator token (SWITCHYARD_OPERATOR_TOKEN): when set, operator endpoints need it as
// a Bearer token or in the sign-in cookie. When unset, the server listens on loopback only.
import { createHash, timingSafeEqual } from "node:crypto";
import { env } from "@/lib/env";

export const OPERATOR_COOKIE = "sy_operator";

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

export function isOperatorToken(candidate: string | undefined | null): boolean {
  const expected = env().SWITCHYARD_OPERATOR_TOKEN;
  if (!expected) return true;
  if (!candidate) return false;
  return timingSafeEqual(digest(candidate), digest(expected));
}

export function readCookie(header: string | null, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return undefined;
}

export function isOperatorRequest(req: Request): boolean {
  if (!env().SWITCHYARD_OPERATOR_TOKEN) return true;
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.get("authorization") ?? "")?.[1];
  return isOperatorToken(bearer) || isOperatorToken(readCookie(req.headers.get("cookie"), OPERATOR_COOKIE));
}
