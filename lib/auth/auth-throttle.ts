// Throttled guessing: failed authentication (a wrong operator token, sign-in password,
// agent or registration token) is counted per client address in a token bucket of
// AUTH_FAILURE_BURST failures refilled at AUTH_FAILURE_PER_MIN. While an address's bucket
// is empty, every request from it that presents credentials gets 429 with Retry-After
// BEFORE any token work — so an emptied bucket also tells a guesser nothing.
//
// The address is the TCP peer, which server.ts writes into CLIENT_ADDRESS_HEADER (after
// dropping whatever the client sent under that name). Without it (route handlers called
// in-process by tests) nothing is throttled.
import { env } from "@/lib/env";
import { SwitchyardError } from "@/lib/errors";
import { OPERATOR_COOKIE, readCookie } from "@/lib/auth/operator";

export const CLIENT_ADDRESS_HEADER = "x-switchyard-client-address";

interface Bucket {
  tokens: number;
  updatedMs: number;
}

const holder = globalThis as unknown as { __switchyardAuthFailures?: Map<string, Bucket> };

function buckets(): Map<string, Bucket> {
  return (holder.__switchyardAuthFailures ??= new Map());
}

export function clientAddress(req: Request): string | undefined {
  return req.headers.get(CLIENT_ADDRESS_HEADER) ?? undefined;
}

/** The request presents a credential (a Bearer token or the sign-in cookie). */
export function presentsCredentials(req: Request): boolean {
  return req.headers.get("authorization") !== null || readCookie(req.headers.get("cookie"), OPERATOR_COOKIE) !== undefined;
}

function refill(address: string, nowMs: number): Bucket {
  const { AUTH_FAILURE_BURST: burst, AUTH_FAILURE_PER_MIN: perMin } = env();
  const bucket = buckets().get(address) ?? { tokens: burst, updatedMs: nowMs };
  bucket.tokens = Math.min(burst, bucket.tokens + ((nowMs - bucket.updatedMs) / 60_000) * perMin);
  bucket.updatedMs = nowMs;
  return bucket;
}

/** Seconds until the address may try again (0: it may now). */
export function authRetryAfterS(address: string | undefined, nowMs = Date.now()): number {
  if (!address || !buckets().has(address)) return 0;
  const bucket = refill(address, nowMs);
  if (bucket.tokens >= 1) return 0;
  return Math.max(1, Math.ceil(((1 - bucket.tokens) / env().AUTH_FAILURE_PER_MIN) * 60));
}

/** 429 while the caller's address has no failures left. Call before comparing any token. */
export function assertAuthNotThrottled(req: Request, nowMs = Date.now()): void {
  const retryAfterS = authRetryAfterS(clientAddress(req), nowMs);
  if (retryAfterS === 0) return;
  throw new SwitchyardError("rate_limited", `too many failed authentication attempts from this address; retry in ${retryAfterS} s`, {
    details: { retryAfterS },
  });
}

/** One failed authentication from the caller's address. */
export function recordAuthFailure(req: Request, nowMs = Date.now()): void {
  recordAuthFailureFrom(clientAddress(req), nowMs);
}

/** One failed authentication from `address` (the socket.io handshake has no Request). */
export function recordAuthFailureFrom(address: string | undefined, nowMs = Date.now()): void {
  if (!address) return;
  const all = buckets();
  if (all.size > 10_000) pruneAuthFailures(nowMs);
  const bucket = refill(address, nowMs);
  bucket.tokens = Math.max(0, bucket.tokens - 1);
  all.set(address, bucket);
}

/** Forgets addresses whose bucket has refilled: a full bucket carries no information. */
export function pruneAuthFailures(nowMs = Date.now()): void {
  const burst = env().AUTH_FAILURE_BURST;
  for (const [address] of buckets()) if (refill(address, nowMs).tokens >= burst) buckets().delete(address);
}
