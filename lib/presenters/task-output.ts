// GET /api/tasks/:id/output: one attempt's stored output (lib/orchestration/task-output.ts).
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { outputText, readOutput } from "@/lib/orchestration/task-output";

export interface TaskOutputView {
  /** The attempt shown; null when the task never ran. */
  attempt: number | null;
  text: string;
  totalBytes: number;
  droppedBytes: number;
}

export async function taskOutput(subtaskId: string, attempt?: number): Promise<TaskOutputView> {
  const rows = await db().$queryRaw<Array<{ attempt: number }>>`SELECT attempt FROM subtasks WHERE id = ${subtaskId}::uuid`;
  if (!rows[0]) throw notFound("subtask", subtaskId, "id");
  const number = attempt ?? (rows[0].attempt > 0 ? rows[0].attempt : null);
  if (number === null) return { attempt: null, text: "", totalBytes: 0, droppedBytes: 0 };
  if (attempt !== undefined) {
    const found = await db().$queryRaw<
      Array<{ n: number }>
    >`SELECT 1 AS n FROM attempts WHERE subtask_id = ${subtaskId}::uuid AND number = ${attempt}`;
    if (!found[0]) throw notFound(`attempt ${attempt} of subtask`, subtaskId, "attempt");
  }
  const stored = await readOutput(subtaskId, number);
  if (!stored) return { attempt: number, text: "", totalBytes: 0, droppedBytes: 0 };
  return { attempt: number, text: outputText(stored), totalBytes: stored.totalBytes, droppedBytes: stored.droppedBytes };
}
