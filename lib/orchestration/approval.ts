// The operator's decision on a task that waits at its approval gate (awaiting_approval).
// Approve: the task completes with the agent's result, or with the operator's edited
// one (what dependents and aggregation get; the agent's original stays on its attempt),
// and its dependents are released. Reject: the attempt is rejected with the operator's
// feedback and a fresh attempt is queued; that attempt's assignment carries the feedback
// and the rejected result (assignment.ts, `previous_attempt`).
//
// Each decision locks the task row and checks its status under the lock, so approve,
// reject and cancel racing on one task leave one winner; the others get 409.
import type { Tx } from "@/lib/db";
import { withEvents } from "@/lib/events/record";
import { conflict, notFound } from "@/lib/errors";
import { finalizeGoalIfDone } from "@/lib/orchestration/finalize-goal";
import { releaseDependents } from "@/lib/orchestration/report-result";

interface GateRow {
  id: string;
  goal_id: string;
  key: string;
  status: string;
  attempt: number;
  result: string | null;
  goal_status: string;
}

async function lockAwaiting(tx: Tx, subtaskId: string, verb: string): Promise<GateRow> {
  const rows = await tx.$queryRaw<GateRow[]>`
    SELECT s.id, s.goal_id, s.key, s.status, s.attempt, s.result, g.status AS goal_status
    FROM subtasks s JOIN goals g ON g.id = s.goal_id WHERE s.id = ${subtaskId}::uuid FOR UPDATE OF s`;
  const task = rows[0];
  if (!task) throw notFound("task", subtaskId, "id");
  if (task.status !== "awaiting_approval")
    throw conflict(`task ${task.key} is ${task.status}: only a task awaiting approval can be ${verb}`);
  return task;
}

export interface ApproveResult {
  subtaskId: string;
  edited: boolean;
  released: string[];
}

export async function approveTask(options: { subtaskId: string; result?: string; actor: string; now?: Date }): Promise<ApproveResult> {
  const now = options.now ?? new Date();
  const { actor } = options;
  const outcome = await withEvents(async (tx, emit) => {
    const task = await lockAwaiting(tx, options.subtaskId, "approved");
    const edited = options.result !== undefined && options.result !== task.result;
    const result = options.result ?? task.result;
    await tx.$executeRaw`
      UPDATE subtasks SET status = 'completed', result = ${result}, finished_at = ${now} WHERE id = ${task.id}::uuid`;
    emit({
      type: "task.approved",
      actor,
      goalId: task.goal_id,
      subtaskId: task.id,
      data: { status: "completed", attempt: task.attempt, edited, result_chars: result?.length ?? 0 },
    });
    const released = (await releaseDependents(tx, emit, [{ id: task.id, actor }], now)).get(task.id) ?? [];
    return { subtaskId: task.id, goalId: task.goal_id, edited, released };
  });
  await finalizeGoalIfDone(outcome.goalId, now);
  return { subtaskId: outcome.subtaskId, edited: outcome.edited, released: outcome.released };
}

export interface RejectResult {
  subtaskId: string;
  rejectedAttempt: number;
  status: "pending";
}

export async function rejectTask(options: { subtaskId: string; feedback: string; actor: string; now?: Date }): Promise<RejectResult> {
  const now = options.now ?? new Date();
  const { actor } = options;
  return withEvents(async (tx, emit) => {
    const task = await lockAwaiting(tx, options.subtaskId, "rejected");
    await tx.$executeRaw`
      UPDATE attempts SET outcome = 'rejected', feedback = ${options.feedback}
      WHERE subtask_id = ${task.id}::uuid AND number = ${task.attempt}`;
    // Its dependencies were all completed when it ran: it is ready again at once (held
    // while its goal is paused).
    await tx.$executeRaw`
      UPDATE subtasks SET status = 'pending', result = NULL, error = NULL, agent_id = NULL, started_at = NULL, finished_at = NULL,
        deadline_at = NULL, next_attempt_at = NULL, ready_at = ${now}, held = ${task.goal_status === "paused"}
      WHERE id = ${task.id}::uuid`;
    emit({
      type: "task.rejected",
      actor,
      goalId: task.goal_id,
      subtaskId: task.id,
      data: { status: "pending", attempt: task.attempt, feedback: options.feedback.slice(0, 500) },
    });
    return { subtaskId: task.id, rejectedAttempt: task.attempt, status: "pending" as const };
  });
}
