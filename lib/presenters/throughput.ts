// Throughput read models: completions and failures per minute over the last N minutes
// (whole system, one agent, or every agent), zero-filled. Read from attempt_ends, the
// attempts ended per minute, agent and outcome, which statement triggers on attempts keep
// (migration 20261206110000_attempt_ends), so that no index on attempts.ended_at makes every
// completion write a new entry in each of the table's indexes.
import { db } from "@/lib/db";
import { FAILED_ATTEMPT_OUTCOMES } from "@/lib/domain";

/** Attempt outcomes that count as a failure in the charts (a superseded or cancelled attempt is neither). */
export const FAILURE_OUTCOMES = FAILED_ATTEMPT_OUTCOMES;

export interface ThroughputBucket {
  /** Start of the minute, ISO 8601. */
  minute: string;
  completed: number;
  failed: number;
}

interface BucketRow {
  agent_id: string | null;
  minute: Date;
  completed: number;
  failed: number;
}

function windowStart(now: Date, minutes: number): Date {
  const start = new Date(now);
  start.setUTCSeconds(0, 0);
  start.setUTCMinutes(start.getUTCMinutes() - (minutes - 1));
  return start;
}

function emptyBuckets(start: Date, minutes: number): ThroughputBucket[] {
  return Array.from({ length: minutes }, (_, i) => ({
    minute: new Date(start.getTime() + i * 60_000).toISOString(),
    completed: 0,
    failed: 0,
  }));
}

async function loadBuckets(start: Date, end: Date, agentId: string | null): Promise<BucketRow[]> {
  return db().$queryRaw<BucketRow[]>`
    SELECT e.agent_id, e.minute,
           COALESCE(sum(e.n) FILTER (WHERE e.outcome = 'completed'), 0)::int AS completed,
           COALESCE(sum(e.n) FILTER (WHERE e.outcome = ANY(${[...FAILURE_OUTCOMES]}::text[])), 0)::int AS failed
    FROM attempt_ends e
    WHERE e.minute >= ${start} AND e.minute < ${end} AND e.n <> 0
      AND (${agentId}::uuid IS NULL OR e.agent_id = ${agentId}::uuid)
    GROUP BY e.agent_id, e.minute`;
}

function fill(buckets: ThroughputBucket[], start: Date, row: BucketRow) {
  const index = Math.round((row.minute.getTime() - start.getTime()) / 60_000);
  const bucket = buckets[index];
  if (!bucket) return;
  bucket.completed += row.completed;
  bucket.failed += row.failed;
}

export async function getThroughput(options: { minutes: number; agentId?: string; now?: Date }) {
  const now = options.now ?? new Date();
  const start = windowStart(now, options.minutes);
  const end = new Date(start.getTime() + options.minutes * 60_000);
  const buckets = emptyBuckets(start, options.minutes);
  for (const row of await loadBuckets(start, end, options.agentId ?? null)) fill(buckets, start, row);
  return {
    minutes: options.minutes,
    from: start.toISOString(),
    buckets,
    totals: { completed: buckets.reduce((n, b) => n + b.completed, 0), failed: buckets.reduce((n, b) => n + b.failed, 0) },
  };
}

/** One zero-filled series per agent that ended an attempt in the window. */
export async function getAgentThroughput(options: { minutes: number; now?: Date }) {
  const now = options.now ?? new Date();
  const start = windowStart(now, options.minutes);
  const end = new Date(start.getTime() + options.minutes * 60_000);
  const series = new Map<string, ThroughputBucket[]>();
  for (const row of await loadBuckets(start, end, null)) {
    const agentId = row.agent_id!;
    if (!series.has(agentId)) series.set(agentId, emptyBuckets(start, options.minutes));
    fill(series.get(agentId)!, start, row);
  }
  return {
    minutes: options.minutes,
    from: start.toISOString(),
    agents: [...series.entries()].map(([agent_id, buckets]) => ({ agent_id, buckets })),
  };
}
