// The downstream cone of a task: every task that depends on it, directly or through other
// tasks. One query for everyone who needs it (a final failure skips the cone, the
// operator's retry un-skips it), locked in id order, so two transactions locking
// overlapping cones (two failures, a failure and a cancel) cannot deadlock.
import { Prisma, type Tx } from "@/lib/db";

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
