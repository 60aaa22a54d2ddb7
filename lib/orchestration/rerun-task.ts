// Re-run from a task: a finished task (completed, failed, skipped or cancelled) and its
// whole downstream cone go back to waiting/pending with fresh failure budgets, the task
// optionally with an edited description. Attempts are history and stay; the attempt
// number only grows, so a late report of anything this supersedes is refused (409).
// The goal reopens when it had finished.
//
// Locks: the agents of any cone task still running, then the task and its cone in id
// order (lockInOrder re-reads when a task moved to another agent meanwhile), then the goal.
import type { Tx } from "@/lib/db";
import { withEvents, type Emit } from "@/lib/events/record";
import { conflict, notFound } from "@/lib/errors";
import { SUBTASK_TRANSITIONS, describeAllowed, isOpenSubtaskStatus, type SubtaskStatus } from "@/lib/domain";
import { currentAgentOf, lockAgents, lockInOrder } from "@/lib/orchestration/locks";
import { downstreamOf, readCone, type ConeTask } from "@/lib/orchestration/downstream";
import { endRunningAttempts, reopenGoal } from "@/lib/orchestration/operator-actions";

export interface RerunResult {
  subtaskId: string;
  /** The task, then its downstream cone in plan order: every task that was reset. */
  reset: string[];
}

async function lockCone(tx: Tx, ids: string[]): Promise<ConeTask[]> {
  return lockInOrder<ConeTask[]>(tx, async (extraAgents) => {
    const agents = await lockAgents(tx, [...(await currentAgentOf(tx, ids)), ...extraAgents]);
    await tx.$queryRaw`SELECT id FROM subtasks WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE`;
    const rows = await readCone(tx, ids);
    const moved = rows.filter((r) => r.status === "running" && r.agent_id && !agents.includes(r.agent_id)).map((r) => r.agent_id!);
    return moved.length > 0 ? { moved } : { value: rows };
  });
}

/** Inside the caller's transaction (bulk re-runs compose it): resets the task and its cone. */
export async function rerunTaskIn(
  tx: Tx,
  emit: Emit,
  options: { subtaskId: string; description?: string; actor: string; now: Date },
): Promise<RerunResult> {
  const { subtaskId, actor, now } = options;
  const cone = await downstreamOf(tx, [subtaskId]);
  const rows = await lockCone(tx, [subtaskId, ...cone]);
  const root = rows.find((r) => r.id === subtaskId);
  if (!root) throw notFound("task", subtaskId, "id");
  if (!(SUBTASK_TRANSITIONS.rerun as readonly SubtaskStatus[]).includes(root.status)) {
    throw conflict(`task ${root.key} is ${root.status}: only ${describeAllowed("subtask", "rerun")} can be re-run`);
  }
  const dead = root.deps
    .map((d, i) => ({ id: d, status: root.dep_statuses[i]! }))
    .filter((d) => d.status !== "completed" && !isOpenSubtaskStatus(d.status));
  if (dead.length > 0)
    throw conflict(
      `task ${root.key} cannot run: a dependency of it is ${dead.map((d) => d.status).join(", ")}; re-run or retry that first`,
    );
  const goals = await tx.$queryRaw<Array<{ status: string }>>`SELECT status FROM goals WHERE id = ${root.goal_id}::uuid FOR UPDATE`;
  const held = goals[0]?.status === "paused";

  // Attempts still running in the cone end now (their late reports get 409); their agents free a slot.
  await endRunningAttempts(tx, rows, "superseded", `re-run from ${root.key} by ${actor}`, now);

  // Every task in the cone is not completed any more: its dependencies count again.
  const resetIds = new Set(rows.map((r) => r.id));
  const next = rows.map((r) => {
    const pendingDeps = r.deps.filter((d, i) => resetIds.has(d) || r.dep_statuses[i] !== "completed").length;
    return { row: r, pendingDeps, status: (pendingDeps === 0 ? "pending" : "waiting") as "pending" | "waiting" };
  });
  await tx.$executeRaw`
    UPDATE subtasks s SET status = n.status, pending_deps = n.pending_deps, failures = 0, error = NULL, result = NULL,
      agent_id = NULL, started_at = NULL, finished_at = NULL, deadline_at = NULL, next_attempt_at = NULL, held = ${held},
      ready_at = CASE WHEN n.status = 'pending' THEN ${now}::timestamptz ELSE NULL END
    FROM unnest(${next.map((n) => n.row.id)}::uuid[], ${next.map((n) => n.status)}::text[], ${next.map((n) => n.pendingDeps)}::int[]) AS n(id, status, pending_deps)
    WHERE s.id = n.id`;
  const descriptionChanged = options.description !== undefined;
  if (descriptionChanged) await tx.$executeRaw`UPDATE subtasks SET description = ${options.description} WHERE id = ${root.id}::uuid`;
  for (const n of next) {
    emit({
      type: "task.rerun",
      actor,
      goalId: root.goal_id,
      subtaskId: n.row.id,
      data: {
        status: n.status,
        previous_status: n.row.status,
        from: root.id,
        description_changed: descriptionChanged && n.row.id === root.id,
      },
    });
  }
  await reopenGoal(tx, emit, root.goal_id, actor);
  return { subtaskId: root.id, reset: [root.id, ...next.filter((n) => n.row.id !== root.id).map((n) => n.row.id)] };
}

/** POST /api/tasks/:id/rerun: its own transaction. */
export function rerunTask(options: { subtaskId: string; description?: string; actor: string; now?: Date }): Promise<RerunResult> {
  const now = options.now ?? new Date();
  return withEvents((tx, emit) => rerunTaskIn(tx, emit, { ...options, now }));
}
