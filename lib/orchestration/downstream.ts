// The downstream cone of a task: every task that depends on it, directly or through other
// tasks. One query for everyone who needs it (a final failure skips the cone, the
// operator's retry un-skips it), locked in id order, so two transactions locking
// overlapping cones (two failures, a failure and a cancel) cannot deadlock. A re-run reads
// the cone first without locks (downstreamOf: the edges do not change) and locks it with
// the agents; both then read the cone's tasks with their dependencies' states (readCone).
import { Prisma, type Tx } from "@/lib/db";
import type { SubtaskStatus } from "@/lib/domain";
import type { Columns } from "@/lib/db/rows";

/** Locks the cone's tasks (only those in `statuses`, an SQL list such as QUEUED_SUBTASK_SQL, when given) in id order; answers their ids. */
export async function lockDownstream(tx: Tx, taskId: string, statuses?: Prisma.Sql): Promise<string[]> {
  const inStatus = statuses ? Prisma.sql`AND s.status IN ${statuses}` : Prisma.empty;
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    WITH RECURSIVE down AS (
      SELECT subtask_id AS id FROM subtask_dependencies WHERE depends_on_id = ${taskId}::uuid
      UNION
      SELECT d.subtask_id FROM subtask_dependencies d JOIN down ON d.depends_on_id = down.id
    )
    SELECT s.id FROM subtasks s WHERE s.id IN (SELECT id FROM down) ${inStatus} ORDER BY s.id FOR UPDATE OF s`;
  return rows.map((r) => r.id);
}

/** The cone of several tasks (not the tasks themselves), read without locks. */
export async function downstreamOf(tx: Tx, taskIds: string[]): Promise<string[]> {
  if (taskIds.length === 0) return [];
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    WITH RECURSIVE down AS (
      SELECT subtask_id AS id FROM subtask_dependencies WHERE depends_on_id = ANY(${taskIds}::uuid[])
      UNION
      SELECT d.subtask_id FROM subtask_dependencies d JOIN down ON d.depends_on_id = down.id
    )
    SELECT id FROM down`;
  return rows.map((r) => r.id);
}

export type ConeTask = Columns<"subtasks", "id" | "goal_id" | "key" | "status" | "attempt" | "agent_id" | "position"> & {
  /** The task's dependencies in id order, and their statuses in the same order. */
  deps: string[];
  dep_statuses: SubtaskStatus[];
};

/** The tasks in plan (topological) order, each with its dependencies' ids and statuses; the caller holds their locks. */
export async function readCone(tx: Tx, ids: string[]): Promise<ConeTask[]> {
  return tx.$queryRaw<ConeTask[]>`
    SELECT s.id, s.goal_id, s.key, s.status, s.attempt, s.agent_id, s.position,
      COALESCE(array_agg(p.id ORDER BY p.id) FILTER (WHERE p.id IS NOT NULL), '{}') AS deps,
      COALESCE(array_agg(p.status ORDER BY p.id) FILTER (WHERE p.id IS NOT NULL), '{}') AS dep_statuses
    FROM subtasks s
    LEFT JOIN subtask_dependencies d ON d.subtask_id = s.id
    LEFT JOIN subtasks p ON p.id = d.depends_on_id
    WHERE s.id = ANY(${ids}::uuid[])
    GROUP BY s.id
    ORDER BY s.position`;
}
