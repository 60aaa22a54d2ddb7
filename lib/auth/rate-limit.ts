// Per-agent rate limiting of the agent endpoints, shared by every server instance: one
// token bucket per agent in PostgreSQL (agent_rate_budget), refilled at
// AGENT_RATE_LIMIT_PER_S up to AGENT_RATE_LIMIT_BURST. N instances together allow the
// rate once, not N times.
//
// No round trip per request: an instance takes a small batch of tokens at a time (a
// lease, one UPSERT that refills the bucket by the database's clock and takes up to the
// batch) and spends it locally; only when its lease is spent or older than LEASE_TTL_MS
// does it ask again. Tokens an instance leased but did not use within the TTL are
// dropped, never handed back: the shared bucket only ever errs on the strict side.
import { pooled, Prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { SwitchyardError } from "@/lib/errors";

interface Lease {
  tokens: number;
  takenAtMs: number;
  /** A lease being fetched: callers for the same agent wait for it instead of sending their own. */
  inflight?: Promise<void>;
}

/** A lease is spent or dropped after this long (unused tokens do not pile up in one instance). */
export const LEASE_TTL_MS = 1000;

const holder = globalThis as unknown as { __switchyardAgentLeases?: Map<string, Lease>; __switchyardLeaseRoundTrips?: number };

function leases(): Map<string, Lease> {
  return (holder.__switchyardAgentLeases ??= new Map());
}

/** Tokens per lease: about 50 ms of the rate, at most an eighth of the burst, at least 1. */
export function leaseSize(rate: number, burst: number): number {
  return Math.max(1, Math.min(Math.floor(burst / 8), Math.ceil(rate / 20)));
}

/** Takes up to `want` tokens from the agent's shared bucket: what it got and what is left. */
async function leaseTokens(agentId: string, want: number, rate: number, burst: number): Promise<{ granted: number; left: number }> {
  holder.__switchyardLeaseRoundTrips = (holder.__switchyardLeaseRoundTrips ?? 0) + 1;
  // One clock for the whole statement (statement_timestamp(), not clock_timestamp(): the
  // expression is evaluated three times, and a clock that moved between them could take a
  // whole token from a bucket a hair below it: tokens < 0, a CHECK violation, a 500). The
  // clock never runs back for a bucket: a statement that waited on the row lock behind a
  // later one refills nothing rather than a negative amount.
  const refilled = Prisma.sql`LEAST(${burst}::float8, b.tokens + GREATEST(EXTRACT(EPOCH FROM (statement_timestamp() - b.updated_at))::float8, 0) * ${rate}::float8)`;
  const rows = await pooled().$queryRaw<Array<{ granted: number; left: number }>>`
    INSERT INTO agent_rate_budget AS b (agent_id, tokens, last_grant, updated_at)
    VALUES (${agentId}::uuid, ${burst}::float8 - LEAST(${want}::int, floor(${burst}::float8)::int), LEAST(${want}::int, floor(${burst}::float8)::int), statement_timestamp())
    ON CONFLICT (agent_id) DO UPDATE SET
      last_grant = LEAST(${want}::int, floor(${refilled})::int),
      tokens = ${refilled} - LEAST(${want}::int, floor(${refilled})::int),
      updated_at = GREATEST(b.updated_at, statement_timestamp())
    RETURNING last_grant AS granted, tokens AS left`;
  const row = rows[0]!;
  return { granted: Number(row.granted), left: Number(row.left) };
}

/** Takes one token for the agent, or throws 429 rate_limited with the seconds to wait. */
export async function takeAgentToken(agentId: string, nowMs = Date.now()): Promise<void> {
  const { AGENT_RATE_LIMIT_PER_S: rate, AGENT_RATE_LIMIT_BURST: burst } = env();
  if (rate <= 0) return;
  const all = leases();
  for (;;) {
    const lease = all.get(agentId);
    if (lease?.inflight) {
      await lease.inflight;
      continue;
    }
    if (lease && lease.tokens >= 1 && nowMs - lease.takenAtMs < LEASE_TTL_MS) {
      lease.tokens -= 1;
      return;
    }
    break;
  }
  if (all.size > 10_000) pruneAgentBuckets(nowMs);
  const next: Lease = { tokens: 0, takenAtMs: nowMs };
  let result: { granted: number; left: number } | undefined;
  next.inflight = leaseTokens(agentId, leaseSize(rate, burst), rate, burst).then((r) => {
    result = r;
  });
  all.set(agentId, next);
  try {
    await next.inflight;
  } catch (error) {
    all.delete(agentId);
    throw error;
  } finally {
    next.inflight = undefined;
  }
  const { granted, left } = result!;
  if (granted >= 1) {
    next.tokens = granted - 1;
    next.takenAtMs = Date.now();
    return;
  }
  all.delete(agentId);
  const retryAfterS = Math.max(1, Math.ceil((1 - left) / rate));
  throw new SwitchyardError(
    "rate_limited",
    `too many requests from agent ${agentId}: at most ${rate}/s (burst ${burst}); retry in ${retryAfterS} s`,
    {
      details: { retryAfterS },
    },
  );
}

/** Forgets leases past their TTL. */
export function pruneAgentBuckets(nowMs = Date.now()): void {
  for (const [id, lease] of leases()) if (!lease.inflight && nowMs - lease.takenAtMs >= LEASE_TTL_MS) leases().delete(id);
}

/** Tests: forget this process's leases (the shared buckets stay in the database). */
export function resetAgentBuckets(): void {
  leases().clear();
}

/** Round trips to the shared buckets so far in this process (the bench's figure). */
export function leaseRoundTrips(): number {
  return holder.__switchyardLeaseRoundTrips ?? 0;
}
