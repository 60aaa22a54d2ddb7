// The domain's status lists as SQL literal lists, e.g. `status IN ${OPEN_SUBTASK_SQL}`.
// Literals, not a bound array: the planner matches partial indexes (`WHERE status IN
// (...)`, prisma/migrations) only against constants. Built from lib/domain's constants,
// never from input.
import { Prisma } from "@/lib/generated/prisma/client";
import { OPEN_GOAL_STATUSES, OPEN_SUBTASK_STATUSES, QUEUED_SUBTASK_STATUSES, TERMINAL_GOAL_STATUSES } from "@/lib/domain";

export function sqlList(values: readonly string[]): Prisma.Sql {
  if (values.length === 0) throw new Error("an empty SQL list");
  return Prisma.raw(`(${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(", ")})`);
}

/** Tasks that still run, will run, or wait for someone. */
export const OPEN_SUBTASK_SQL = sqlList(OPEN_SUBTASK_STATUSES);
/** Open and not yet running: what a failure upstream skips. */
export const QUEUED_SUBTASK_SQL = sqlList(QUEUED_SUBTASK_STATUSES);
export const OPEN_GOAL_SQL = sqlList(OPEN_GOAL_STATUSES);
export const TERMINAL_GOAL_SQL = sqlList(TERMINAL_GOAL_STATUSES);
