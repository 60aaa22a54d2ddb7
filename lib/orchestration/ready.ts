// The ready queue: which tasks can be handed out now, in which order, and how they are
// claimed. It is not a table of its own: a task is ready when its row says so (status
// `pending`, or `retrying` once its backoff has passed), and the partial index
// `subtasks_ready_queue_idx` holds exactly those rows in this order. A state change that
// makes a task ready sets that status (and `ready_at`); one that takes it out of the
// queue sets any other status. Claims go through `claimReady` only, so a feature that
// keeps ready tasks from being claimed (a paused goal, a drained agent) adds its
// condition here, where the claim's FOR UPDATE re-check sees it.
import { Prisma } from "@/lib/db";
import { env } from "@/lib/env";

// On globalThis: Next bundles route handlers apart from server.ts, and the turn is the process's.
const turns = globalThis as unknown as {
  __switchyardLastClaim?: Promise<unknown>;
  __switchyardPullSlots?: { inUse: number; waiting: Array<() => void> };
};

/**
 * Runs `claim` (one statement reading the queue) after this process's earlier claims have
 * run. Concurrent claimers all read the queue from its head and walk past every row the
 * others hold: with 32 agents pulling 500 at once, each visited 14 rows per row it took.
 * In turn, a claim passes only the rows of claims not yet committed. Only the statement
 * waits its turn, not the transaction, and the statement waits on no other transaction's
 * lock (SKIP LOCKED; it updates only rows its transaction holds), so a turn always ends.
 * Claims of other instances still run beside this process's.
 */
export function inClaimTurn<T>(claim: () => Promise<T>): Promise<T> {
  const turn = (turns.__switchyardLastClaim ?? Promise.resolve()).then(claim, claim);
  turns.__switchyardLastClaim = turn.catch(() => undefined);
  return turn;
}

/**
 * Runs `pull` (a whole pull transaction) while fewer than half the pool's connections are
 * in pulls; the others wait here, holding no connection. A pull waiting for the claim turn
 * holds its connection meanwhile, and with as many pulls as connections the completions —
 * which free the work the pulls wait for — queued for one: in the 100×100 DAG, with a pool
 * of 16, completion p50 22 ms and p99 47–52 ms; with pulls held to 8, 7 ms and 19–21 ms.
 */
export async function inPullSlot<T>(pull: () => Promise<T>): Promise<T> {
  const slots = (turns.__switchyardPullSlots ??= { inUse: 0, waiting: [] });
  if (slots.inUse < Math.max(1, Math.floor(env().DB_POOL_SIZE / 2))) slots.inUse++;
  else await new Promise<void>((resolve) => slots.waiting.push(resolve)); // handed its slot by the pull before it
  try {
    return await pull();
  } finally {
    const next = slots.waiting.shift();
    if (next) next();
    else slots.inUse--;
  }
}

/**
 * Ready tasks in assignment order — priority, then the longest remaining critical path,
 * then the oldest ready time, then the earlier plan position — locked for the caller
 * with SKIP LOCKED (concurrent claimers never share one). `skills`: only tasks an agent
 * with these skills can do (null: any task). Each of `skills` and `limit` is a value or
 * an SQL expression (an agent row the same statement read). Selects `id, required_skills`.
 */
export function claimReady(skills: string[] | Prisma.Sql | null, limit: number | Prisma.Sql, now: Date): Prisma.Sql {
  const canDo = skills === null ? Prisma.empty : Prisma.sql`AND agent_can_do(required_skills, ${skills}::text[])`;
  return Prisma.sql`
    SELECT id, required_skills FROM subtasks
    WHERE (status = 'pending' OR (status = 'retrying' AND next_attempt_at <= ${now})) ${canDo}
      AND NOT held -- a paused goal's tasks (lib/orchestration/pause-goal.ts)
    ORDER BY ${readyOrder("subtasks")}
    LIMIT ${limit}
    FOR UPDATE SKIP LOCKED`;
}

/** The same order over rows of `alias` that carry the queue's columns (priority, critical_path_s, ready_at, position, id). */
export function readyOrder(alias: string): Prisma.Sql {
  const a = Prisma.raw(alias);
  return Prisma.sql`${a}.priority, ${a}.critical_path_s DESC, ${a}.ready_at, ${a}.position, ${a}.id`;
}
