// Per-agent rate limiting of the agent endpoints: a token bucket per agent id, refilled at
// AGENT_RATE_LIMIT_PER_S up to AGENT_RATE_LIMIT_BURST. In-process, so the limit holds per
// server instance (N instances behind a balancer allow up to N× the rate).
import { env } from "@/lib/env";
import { SwitchyardError } from "@/lib/errors";

interface Bucket {
  tokens: number;
  updatedMs: number;
}

const holder = globalThis as unknown as { __switchyardAgentBuckets?: Map<string, Bucket> };

function buckets(): Map<string, Bucket> {
  return (holder.__switchyardAgentBuckets ??= new Map());
}

/** Takes one token from the agent's bucket, or throws 429 rate_limited with the seconds to wait. */
export function takeAgentToken(agentId: string, nowMs = Date.now()): void {
  const { AGENT_RATE_LIMIT_PER_S: rate, AGENT_RATE_LIMIT_BURST: burst } = env();
  if (rate <= 0) return;
  const all = buckets();
  if (all.size > 10_000) pruneAgentBuckets(nowMs);
  const bucket = all.get(agentId) ?? { tokens: burst, updatedMs: nowMs };
  bucket.tokens = Math.min(burst, bucket.tokens + ((nowMs - bucket.updatedMs) / 1000) * rate);
  bucket.updatedMs = nowMs;
  all.set(agentId, bucket);
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return;
  }
  const retryAfterS = Math.max(1, Math.ceil((1 - bucket.tokens) / rate));
  throw new SwitchyardError("rate_limited", `too many requests from agent ${agentId}: at most ${rate}/s (burst ${burst}); retry in ${retryAfterS} s`, {
    details: { retryAfterS },
  });
}

/** Forgets buckets that have refilled completely: a full bucket carries no information. */
export function pruneAgentBuckets(nowMs = Date.now()): void {
  const { AGENT_RATE_LIMIT_PER_S: rate, AGENT_RATE_LIMIT_BURST: burst } = env();
  for (const [id, b] of buckets()) if (b.tokens + ((nowMs - b.updatedMs) / 1000) * rate >= burst) buckets().delete(id);
}

/** Tests: start from full buckets. */
export function resetAgentBuckets(): void {
  buckets().clear();
}
