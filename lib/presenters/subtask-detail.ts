// One subtask with its attempt history.
import { db } from "@/lib/db";
import type { AttemptOutcome } from "@/lib/domain";
import { notFound } from "@/lib/errors";
import { presentSubtask, SUBTASK_SELECT, type SubtaskRecord } from "@/lib/presenters/subtask";

export async function getSubtask(subtaskId: string) {
  const rows = await db().$queryRawUnsafe<SubtaskRecord[]>(
    `SELECT ${SUBTASK_SELECT} FROM subtasks s LEFT JOIN agents a ON a.id = s.agent_id WHERE s.id = $1::uuid`,
    subtaskId,
  );
  if (!rows[0]) throw notFound("subtask", subtaskId, "id");
  const attempts = await db().$queryRaw<Array<{ number: number; agent_id: string; agent_name: string; outcome: AttemptOutcome; result: string | null; error: string | null; feedback: string | null; started_at: Date; ended_at: Date | null }>>`
    SELECT t.number, t.agent_id, a.name AS agent_name, t.outcome, t.result, t.error, t.feedback, t.started_at, t.ended_at
    FROM attempts t JOIN agents a ON a.id = t.agent_id WHERE t.subtask_id = ${subtaskId}::uuid ORDER BY t.number`;
  return { ...presentSubtask(rows[0]), attempts };
}
