// One subtask with its attempt history.
import { db } from "@/lib/db";
import type { Columns } from "@/lib/db/rows";
import { notFound } from "@/lib/errors";
import { presentSubtask, SUBTASK_SELECT, type SubtaskRecord } from "@/lib/presenters/subtask";

export async function getSubtask(subtaskId: string) {
  const rows = await db().$queryRaw<SubtaskRecord[]>`
    SELECT ${SUBTASK_SELECT} FROM subtasks s LEFT JOIN agents a ON a.id = s.agent_id WHERE s.id = ${subtaskId}::uuid`;
  if (!rows[0]) throw notFound("subtask", subtaskId, "id");
  const rawAttempts = await db().$queryRaw<Array<AttemptRecord>>`
    SELECT t.number, t.agent_id, a.name AS agent_name, t.outcome, t.result, t.error, t.feedback, t.started_at, t.ended_at,
      t.progress, t.message, t.input_tokens, t.output_tokens, t.cost_usd, t.model,
      COALESCE(o.total_bytes, 0) AS output_bytes, COALESCE(o.dropped_bytes, 0) AS dropped_bytes
    FROM attempts t JOIN agents a ON a.id = t.agent_id
    LEFT JOIN task_outputs o ON o.subtask_id = t.subtask_id AND o.attempt = t.number
    WHERE t.subtask_id = ${subtaskId}::uuid ORDER BY t.number`;
  const attempts = rawAttempts.map(presentAttempt);
  const current = attempts.find((t) => t.number === rows[0]!.attempt);
  const usage = attempts.reduce(
    (sum, t) => ({
      input_tokens: sum.input_tokens + t.usage.input_tokens,
      output_tokens: sum.output_tokens + t.usage.output_tokens,
      cost_usd: sum.cost_usd + t.usage.cost_usd,
      model: t.usage.model ?? sum.model,
    }),
    { input_tokens: 0, output_tokens: 0, cost_usd: 0, model: null as string | null },
  );
  // Issue 9: the current attempt's progress and message, and the task's usage over all its attempts.
  return { ...presentSubtask(rows[0]), progress: current?.progress ?? null, message: current?.message ?? null, usage, attempts };
}

type AttemptRecord = Columns<
  "attempts",
  | "number"
  | "agent_id"
  | "outcome"
  | "result"
  | "error"
  | "feedback"
  | "started_at"
  | "ended_at"
  | "progress"
  | "message"
  | "input_tokens"
  | "output_tokens"
  | "cost_usd"
  | "model"
> & { agent_name: string; output_bytes: bigint; dropped_bytes: bigint };

function presentAttempt(t: AttemptRecord) {
  return {
    number: t.number,
    agent_id: t.agent_id,
    agent_name: t.agent_name,
    outcome: t.outcome,
    result: t.result,
    error: t.error,
    feedback: t.feedback,
    started_at: t.started_at,
    ended_at: t.ended_at,
    progress: t.progress,
    message: t.message,
    usage: { input_tokens: Number(t.input_tokens), output_tokens: Number(t.output_tokens), cost_usd: t.cost_usd, model: t.model },
    output_bytes: Number(t.output_bytes),
    dropped_bytes: Number(t.dropped_bytes),
  };
}
