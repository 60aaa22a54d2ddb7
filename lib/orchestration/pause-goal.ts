// Pause and resume a goal. A paused goal hands out no new work: its open tasks are held
// (subtasks.held), and every claim reads `NOT held` in the WHERE it re-checks under the
// row lock, so a pull racing the pause either took the task before the pause locked it
// (the attempt runs on and reports as usual) or skips it. Running attempts finish and
// report; tasks that become ready while paused stay held until the goal resumes.
//
// Locks: the goal's open tasks (in id order), then the goal row, the order a claim takes
// them in (tasks, then the goal it starts), so a pause and a pull cannot deadlock.
import type { Tx } from "@/lib/db";
import { withEvents, type Emit } from "@/lib/events/record";
import { conflict, notFound } from "@/lib/errors";
import { finalizeGoalIfDone } from "@/lib/orchestration/finalize-goal";
import { GOAL_TRANSITIONS } from "@/lib/domain";
import { OPEN_SUBTASK_STATUSES, PAUSE_REASONS, type GoalStatus, type PauseReason } from "@/lib/orchestration/types";

export type { PauseReason } from "@/lib/orchestration/types";
export { PAUSE_REASONS } from "@/lib/orchestration/types";

const OPEN: readonly string[] = OPEN_SUBTASK_STATUSES;
/** Goals that can be paused: not finished, not already paused. */
const PAUSABLE: readonly GoalStatus[] = GOAL_TRANSITIONS.pause;

export interface PauseResult {
  goalId: string;
  status: "paused";
  pauseReason: PauseReason;
  previousStatus: string;
  /** Open tasks now held. */
  held: number;
  /** Attempts running when the pause took hold: they finish and report; nothing else starts. */
  running: number;
}

export interface ResumeResult {
  goalId: string;
  status: "pending" | "running";
  released: number;
}

/** Locks the goal's open tasks in id order; answers how many of them are running now. */
async function lockOpenTasks(tx: Tx, goalId: string): Promise<number> {
  const rows = await tx.$queryRaw<Array<{ status: string }>>`
    SELECT status FROM subtasks WHERE goal_id = ${goalId}::uuid AND status = ANY(${OPEN}::text[]) ORDER BY id FOR UPDATE`;
  return rows.filter((r) => r.status === "running").length;
}

/**
 * Pauses the goal inside the caller's transaction (the budget check composes it with its
 * own writes). 404 for an unknown goal, 409 unless it is pending or running.
 */
export async function pauseGoal(
  tx: Tx,
  options: { goalId: string; reason: PauseReason; actor: string; now: Date; emit: Emit },
): Promise<PauseResult> {
  const { goalId, reason, actor } = options;
  const running = await lockOpenTasks(tx, goalId);
  const goals = await tx.$queryRaw<Array<{ status: GoalStatus }>>`SELECT status FROM goals WHERE id = ${goalId}::uuid FOR UPDATE`;
  const goal = goals[0];
  if (!goal) throw notFound("goal", goalId, "id");
  if (!PAUSABLE.includes(goal.status)) throw conflict(`goal is ${goal.status}: only a pending or running goal can be paused`);
  const held = await tx.$executeRaw`
    UPDATE subtasks SET held = true WHERE goal_id = ${goalId}::uuid AND status = ANY(${OPEN}::text[]) AND NOT held`;
  await tx.$executeRaw`UPDATE goals SET status = 'paused', pause_reason = ${reason} WHERE id = ${goalId}::uuid`;
  options.emit({
    type: "goal.paused",
    actor,
    goalId,
    data: {
      status: "paused",
      previous_status: goal.status,
      reason,
      tasks_held: held,
      tasks_running: running,
      at: options.now.toISOString(),
    },
  });
  return { goalId, status: "paused", pauseReason: reason, previousStatus: goal.status, held, running };
}

/** Resumes a paused goal inside the caller's transaction: its tasks can be claimed again. 409 unless paused. */
export async function resumeGoal(tx: Tx, options: { goalId: string; actor: string; now: Date; emit: Emit }): Promise<ResumeResult> {
  const { goalId, actor } = options;
  await lockOpenTasks(tx, goalId);
  const goals = await tx.$queryRaw<Array<{ status: GoalStatus; pause_reason: PauseReason | null; started_at: Date | null }>>`
    SELECT status, pause_reason, started_at FROM goals WHERE id = ${goalId}::uuid FOR UPDATE`;
  const goal = goals[0];
  if (!goal) throw notFound("goal", goalId, "id");
  if (goal.status !== "paused") throw conflict(`goal is ${goal.status}: only a paused goal can be resumed`);
  // Claims keep the queue's order: a task released now keeps its place (ready_at).
  const released = await tx.$executeRaw`UPDATE subtasks SET held = false WHERE goal_id = ${goalId}::uuid AND held`;
  const status = goal.started_at ? "running" : "pending";
  await tx.$executeRaw`UPDATE goals SET status = ${status}, pause_reason = NULL WHERE id = ${goalId}::uuid`;
  options.emit({
    type: "goal.resumed",
    actor,
    goalId,
    data: { status, previous_reason: goal.pause_reason, tasks_released: released, at: options.now.toISOString() },
  });
  return { goalId, status, released };
}

/** POST /api/goals/:id/pause: its own transaction. */
export function pauseGoalNow(options: { goalId: string; reason?: PauseReason; actor: string; now?: Date }): Promise<PauseResult> {
  const now = options.now ?? new Date();
  return withEvents((tx, emit) =>
    pauseGoal(tx, { goalId: options.goalId, reason: options.reason ?? "operator", actor: options.actor, now, emit }),
  );
}

/** POST /api/goals/:id/resume: its own transaction; a goal whose work all ended while paused is closed now. */
export async function resumeGoalNow(options: { goalId: string; actor: string; now?: Date }): Promise<ResumeResult> {
  const now = options.now ?? new Date();
  const resumed = await withEvents((tx, emit) => resumeGoal(tx, { goalId: options.goalId, actor: options.actor, now, emit }));
  await finalizeGoalIfDone(options.goalId, now);
  return resumed;
}

/** Is this value one of the pause reasons? */
export function isPauseReason(value: string): value is PauseReason {
  return (PAUSE_REASONS as readonly string[]).includes(value);
}
