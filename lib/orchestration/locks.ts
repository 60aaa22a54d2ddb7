// The lock order of every transaction: agent rows first (in id order), then task rows.
// Unregistering an agent and the sweep putting a dead agent's work back hold the agent
// and then update its tasks; anything that holds a task and then waited for its agent
// would deadlock with them (PostgreSQL aborts one: a 500 for the caller).
import type { Tx } from "@/lib/db";
import { conflict } from "@/lib/errors";

/** Locks these agents' rows (duplicates and nulls ignored) in id order; returns the ids that exist. */
export async function lockAgents(tx: Tx, agentIds: Array<string | null | undefined>): Promise<string[]> {
  const ids = [...new Set(agentIds.filter((id): id is string => !!id))].sort();
  if (ids.length === 0) return [];
  const rows = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM agents WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE`;
  return rows.map((r) => r.id);
}

/** The agent a task is running on now, read without a lock (to lock that agent before the task). */
export async function currentAgentOf(tx: Tx, subtaskIds: string[]): Promise<string[]> {
  if (subtaskIds.length === 0) return [];
  const rows = await tx.$queryRaw<Array<{ agent_id: string }>>`
    SELECT DISTINCT agent_id FROM subtasks WHERE id = ANY(${subtaskIds}::uuid[]) AND agent_id IS NOT NULL`;
  return rows.map((r) => r.agent_id);
}

/**
 * Takes a set of locks that must start with agents whose ids are only known from the rows
 * locked after them (the agent a task runs on). `take` locks the agents it read plus
 * `extraAgents`, then the rows; when a row has meanwhile moved to agents it did not lock,
 * it answers `{ moved: [those agents] }`: everything it locked is released (a savepoint
 * rolled back) and it tries again with them added, so no agent is ever waited for while
 * holding a task, and each retry locks a strictly larger set of agents.
 */
export async function lockInOrder<T>(
  tx: Tx,
  take: (extraAgents: string[]) => Promise<{ value: T } | { moved: string[] }>,
  tries = 50,
): Promise<T> {
  const extra = new Set<string>();
  for (let i = 0; i < tries; i++) {
    await tx.$executeRawUnsafe("SAVEPOINT lock_in_order");
    const taken = await take([...extra]);
    if ("value" in taken) {
      await tx.$executeRawUnsafe("RELEASE SAVEPOINT lock_in_order");
      return taken.value;
    }
    await tx.$executeRawUnsafe("ROLLBACK TO SAVEPOINT lock_in_order");
    for (const id of taken.moved) extra.add(id);
  }
  throw conflict("the work kept moving between agents while being locked; try again");
}
