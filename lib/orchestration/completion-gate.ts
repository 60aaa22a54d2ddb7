// What happens to a reported result before the task completes (issue 10). The completion
// path (report-result.ts) asks `gateCompletion` first, inside its transaction, with the
// task and its attempt locked:
//   - the task has an output_schema and the result is not JSON or does not match: the
//     attempt fails (its error names the failing paths) and retries with backoff like any
//     failure; the agent's result stays on the attempt, so the next attempt sees both;
//   - the task has an approval gate: the attempt completes, the task waits in
//     awaiting_approval with the result kept and its dependents not released;
//   - otherwise: null, and the task completes as usual.
import type { Tx } from "@/lib/db";
import type { Emit } from "@/lib/events/record";
import { resultProblem } from "@/lib/orchestration/output-schema";
import type { failAttempt, SubtaskRow } from "@/lib/orchestration/report-result";

export interface GatedTask extends SubtaskRow {
  approval: boolean;
  output_schema: unknown;
}

export type GateOutcome = { kind: "invalid"; subtask: SubtaskRow } | { kind: "awaiting_approval"; subtask: SubtaskRow };

export function hasGate(task: { approval?: boolean; output_schema?: unknown }): boolean {
  return Boolean(task.approval) || (task.output_schema !== null && task.output_schema !== undefined);
}

export async function gateCompletion(
  tx: Tx,
  emit: Emit,
  options: {
    task: GatedTask;
    attemptNumber: number;
    agentId: string;
    result: string;
    durationMs: number;
    now: Date;
    actor: string;
    /** report-result's failAttempt, passed in so the two files do not import each other. */
    failAttempt: typeof failAttempt;
  },
): Promise<GateOutcome | null> {
  const { task, attemptNumber, agentId, result, now, actor, failAttempt } = options;
  if (!hasGate(task)) return null;
  if (task.output_schema !== null && task.output_schema !== undefined) {
    const problem = resultProblem(task.output_schema, result);
    if (problem) {
      const subtask = await failAttempt(tx, emit, { task, attemptNumber, agentId, error: problem, outcome: "failed", now, actor });
      // The rejected result stays on the attempt, for the history and the next attempt's inputs.
      await tx.$executeRaw`UPDATE attempts SET result = ${result} WHERE subtask_id = ${task.id}::uuid AND number = ${attemptNumber}`;
      return { kind: "invalid", subtask };
    }
  }
  if (!task.approval) return null;
  await tx.$executeRaw`
    UPDATE attempts SET outcome = 'completed', result = ${result}, ended_at = ${now}
    WHERE subtask_id = ${task.id}::uuid AND number = ${attemptNumber}`;
  await tx.$executeRaw`
    UPDATE subtasks SET status = 'awaiting_approval', result = ${result}, error = NULL, deadline_at = NULL
    WHERE id = ${task.id}::uuid`;
  await tx.$executeRaw`
    UPDATE agents SET running = GREATEST(running - 1, 0), tasks_done = tasks_done + 1,
      total_duration_ms = total_duration_ms + ${options.durationMs}, last_heartbeat_at = ${now}, offline = false
    WHERE id = ${agentId}::uuid`;
  emit({
    type: "task.awaiting_approval",
    actor,
    goalId: task.goal_id,
    subtaskId: task.id,
    agentId,
    data: { attempt: attemptNumber, status: "awaiting_approval", duration_ms: options.durationMs },
  });
  return { kind: "awaiting_approval", subtask: { ...task, status: "awaiting_approval", result, error: null } };
}
