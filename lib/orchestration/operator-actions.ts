// What the operator can do to running work: retry, reassign, cancel a task, cancel a goal.
// Which action is allowed from which state is lib/domain/transitions.ts (the dashboard
// enables its buttons from the same table).
// Each action is one transaction that locks what it changes, checks that the state
// allows it (409 naming why otherwise) and records what it did, with the actor, in the
// event log. Attempts are fenced by number, so an agent whose attempt was superseded or
// cancelled gets 409 stale_attempt when it reports late (report-result.ts).
import type { Tx } from "@/lib/db";
import { withEvents, type Emit } from "@/lib/events/record";
import { conflict, notFound } from "@/lib/errors";
import { startAttempts, type Assignment } from "@/lib/orchestration/assign-tasks";
import { finalizeGoalIfDone } from "@/lib/orchestration/finalize-goal";
import { currentAgentOf, lockAgents, lockInOrder } from "@/lib/orchestration/locks";
import { skipDownstream } from "@/lib/orchestration/report-result";
import { TERMINAL_GOAL_SQL } from "@/lib/db/status-sql";
import {
  OPEN_SUBTASK_STATUSES,
  canTransition,
  describeAllowed,
  isOpenSubtaskStatus,
  type GoalStatus,
  type SubtaskStatus,
} from "@/lib/domain";
import { isLive } from "@/lib/orchestration/liveness";
import { lockDownstream, readCone } from "@/lib/orchestration/downstream";
import type { Columns } from "@/lib/db/rows";

type TaskRow = Columns<"subtasks", "id" | "goal_id" | "key" | "status" | "attempt" | "agent_id" | "required_skills">;

async function lockTask(tx: Tx, subtaskId: string): Promise<TaskRow> {
  const rows = await tx.$queryRaw<TaskRow[]>`
    SELECT id, goal_id, key, status, attempt, agent_id, required_skills FROM subtasks WHERE id = ${subtaskId}::uuid FOR UPDATE`;
  if (!rows[0]) throw notFound("task", subtaskId, "id");
  return rows[0];
}

/** The task locked after the agent it runs on (and `alsoAgent`): agents before tasks (lib/orchestration/locks.ts). */
function lockTaskAfterAgents(tx: Tx, subtaskId: string, alsoAgent?: string): Promise<TaskRow> {
  return lockInOrder<TaskRow>(tx, async (extraAgents) => {
    const locked = await lockAgents(tx, [...(await currentAgentOf(tx, [subtaskId])), alsoAgent, ...extraAgents]);
    const task = await lockTask(tx, subtaskId);
    return task.status === "running" && task.agent_id && !locked.includes(task.agent_id) ? { moved: [task.agent_id] } : { value: task };
  });
}

/** Ends the task's running attempt (superseded or cancelled) and frees its agent's slot. */
async function endRunningAttempt(
  tx: Tx,
  task: TaskRow,
  outcome: "superseded" | "cancelled",
  reason: string,
  now: Date,
): Promise<number | null> {
  if (task.status !== "running" || !task.agent_id) return null;
  await tx.$executeRaw`
    UPDATE attempts SET outcome = ${outcome}, error = ${reason}, ended_at = ${now}
    WHERE subtask_id = ${task.id}::uuid AND number = ${task.attempt} AND outcome = 'running'`;
  await tx.$executeRaw`UPDATE agents SET running = GREATEST(running - 1, 0) WHERE id = ${task.agent_id}::uuid`;
  return task.attempt;
}

/**
 * The same for many tasks at once (a goal's cancel, a re-run's cone): of `tasks`, those running
 * on an agent end their current attempt, and each agent frees a slot per task.
 */
export async function endRunningAttempts(
  tx: Tx,
  tasks: Array<{ id: string; status: SubtaskStatus; attempt: number; agent_id: string | null }>,
  outcome: "superseded" | "cancelled",
  reason: string,
  now: Date,
): Promise<void> {
  const running = tasks.filter((t) => t.status === "running" && t.agent_id);
  if (running.length === 0) return;
  await tx.$executeRaw`
    UPDATE attempts a SET outcome = ${outcome}, error = ${reason}, ended_at = ${now}
    FROM unnest(${running.map((t) => t.id)}::uuid[], ${running.map((t) => t.attempt)}::int[]) AS r(id, number)
    WHERE a.subtask_id = r.id AND a.number = r.number AND a.outcome = 'running'`;
  await tx.$executeRaw`
    UPDATE agents g SET running = GREATEST(g.running - c.n, 0)
    FROM (SELECT agent_id, count(*)::int AS n FROM unnest(${running.map((t) => t.agent_id!)}::uuid[]) AS agent_id GROUP BY agent_id) c
    WHERE g.id = c.agent_id`;
}

/** A finished goal is running again once one of its tasks can run again. */
export async function reopenGoal(tx: Tx, emit: Emit, goalId: string, actor: string): Promise<void> {
  const rows = await tx.$queryRaw<Array<{ previous: GoalStatus }>>`
    WITH old AS (SELECT id, status FROM goals WHERE id = ${goalId}::uuid FOR UPDATE)
    UPDATE goals g SET status = 'running', result = NULL, finished_at = NULL
    FROM old WHERE g.id = old.id AND old.status IN ${TERMINAL_GOAL_SQL}
    RETURNING old.status AS previous`;
  if (rows[0]) emit({ type: "goal.reopened", actor, goalId, data: { status: "running", previous_status: rows[0].previous } });
}

export interface RetryResult {
  subtaskId: string;
  status: "pending" | "waiting";
  unskipped: string[];
}

/**
 * A failed, cancelled or skipped task runs again with a fresh failure budget: pending when
 * its dependencies are all completed, waiting otherwise. Skipped tasks downstream of it
 * whose dependencies can all still complete are un-skipped (waiting again).
 */
export function retryTask(options: { subtaskId: string; actor: string; now?: Date }): Promise<RetryResult> {
  return withEvents((tx, emit) => retryTaskIn(tx, emit, options));
}

/** retryTask inside the caller's transaction (bulk actions compose it). */
export async function retryTaskIn(tx: Tx, emit: Emit, options: { subtaskId: string; actor: string; now?: Date }): Promise<RetryResult> {
  const now = options.now ?? new Date();
  const { actor } = options;
  {
    const task = await lockTask(tx, options.subtaskId);
    if (!canTransition("subtask", "retry", task.status)) {
      throw conflict(`task ${task.key} is ${task.status}: only ${describeAllowed("subtask", "retry")} can be retried`);
    }
    const goal = await tx.$queryRaw<Array<{ status: GoalStatus }>>`SELECT status FROM goals WHERE id = ${task.goal_id}::uuid FOR UPDATE`;
    if (goal[0]?.status === "complete") throw conflict(`the goal of task ${task.key} is complete`);
    // In a paused goal, work that comes back stays held until the goal resumes.
    const held = goal[0]?.status === "paused";

    // The whole downstream cone (locked), in topological order, with its dependencies' states.
    const cone = await readConeLocked(tx, task.id);

    const deps = await tx.$queryRaw<Array<{ key: string; status: SubtaskStatus }>>`
      SELECT p.key, p.status FROM subtask_dependencies d JOIN subtasks p ON p.id = d.depends_on_id
      WHERE d.subtask_id = ${task.id}::uuid ORDER BY p.position`;
    const dead = deps.filter((d) => !(d.status === "completed" || isOpenSubtaskStatus(d.status)));
    if (dead.length > 0) {
      throw conflict(
        `task ${task.key} cannot run: its dependency ${dead.map((d) => `${d.key} is ${d.status}`).join(", ")}; retry that first`,
      );
    }
    const openDeps = deps.filter((d) => d.status !== "completed").length;
    const status = openDeps === 0 ? "pending" : "waiting";
    await tx.$executeRaw`
      UPDATE subtasks SET status = ${status}, pending_deps = ${openDeps}, failures = 0, error = NULL, result = NULL, held = ${held},
        agent_id = NULL, started_at = NULL, finished_at = NULL, deadline_at = NULL, next_attempt_at = NULL,
        ready_at = CASE WHEN ${openDeps} = 0 THEN ${now}::timestamptz ELSE NULL END
      WHERE id = ${task.id}::uuid`;
    emit({ type: "task.retried", actor, goalId: task.goal_id, subtaskId: task.id, data: { status, previous_status: task.status } });

    // Walk the cone in topological order: a skipped task comes back when none of its
    // dependencies is dead (failed, cancelled, or skipped and not coming back).
    const statusOf = new Map<string, SubtaskStatus>([[task.id, status]]);
    const unskipped: string[] = [];
    for (const node of cone) {
      const depStatuses = node.deps.map((d, i) => statusOf.get(d) ?? node.dep_statuses[i]!);
      if (node.status !== "skipped") {
        statusOf.set(node.id, node.status);
        continue;
      }
      const canRun = depStatuses.every((s) => s === "completed" || isOpenSubtaskStatus(s));
      if (!canRun) continue;
      const pendingDeps = depStatuses.filter((s) => s !== "completed").length;
      const next = pendingDeps === 0 ? "pending" : "waiting";
      await tx.$executeRaw`
        UPDATE subtasks SET status = ${next}, pending_deps = ${pendingDeps}, finished_at = NULL, error = NULL, held = ${held},
          ready_at = CASE WHEN ${pendingDeps} = 0 THEN ${now}::timestamptz ELSE NULL END
        WHERE id = ${node.id}::uuid`;
      statusOf.set(node.id, next);
      unskipped.push(node.id);
      emit({ type: "task.unskipped", actor, goalId: task.goal_id, subtaskId: node.id, data: { status: next, because: task.id } });
    }
    await reopenGoal(tx, emit, task.goal_id, actor);
    return { subtaskId: task.id, status, unskipped };
  }
}

async function readConeLocked(tx: Tx, taskId: string) {
  const ids = await lockDownstream(tx, taskId);
  if (ids.length === 0) return [];
  return readCone(tx, ids);
}

export interface ReassignResult {
  assignment: Assignment;
  /** The attempt number that was superseded (a running task), or null. */
  supersededAttempt: number | null;
}

/**
 * A pending, retrying or running task goes to the chosen agent, which must be live and
 * have every skill the task needs. A running task's attempt is superseded (its agent
 * loses the slot; its late report gets 409 stale_attempt). The operator's choice wins
 * over capacity: the chosen agent may end up running more than its capacity, and simply
 * pulls no new work until it is back under it. The agent is handed the new attempt by
 * its next assign call.
 */
export function reassignTask(options: { subtaskId: string; agentId: string; actor: string; now?: Date }): Promise<ReassignResult> {
  return withEvents((tx, emit) => reassignTaskIn(tx, emit, options));
}

/** reassignTask inside the caller's transaction (bulk actions compose it). */
export async function reassignTaskIn(
  tx: Tx,
  emit: Emit,
  options: { subtaskId: string; agentId: string; actor: string; now?: Date },
): Promise<ReassignResult> {
  const now = options.now ?? new Date();
  const { actor } = options;
  {
    const task = await lockTaskAfterAgents(tx, options.subtaskId, options.agentId);
    if (!canTransition("subtask", "reassign", task.status)) {
      const why =
        task.status === "waiting"
          ? "its dependencies are not all completed"
          : `only ${describeAllowed("subtask", "reassign")} can be reassigned`;
      throw conflict(`task ${task.key} is ${task.status}: ${why}`);
    }
    const agents = await tx.$queryRaw<
      Array<{ id: string; name: string; skills: string[]; offline: boolean; removed: boolean; drained: boolean; last_heartbeat_at: Date }>
    >`
      SELECT id, name, skills, offline, removed, drained, last_heartbeat_at FROM agents WHERE id = ${options.agentId}::uuid FOR UPDATE`;
    const agent = agents[0];
    if (!agent || agent.removed) throw notFound("agent", options.agentId, "agent_id");
    if (agent.drained) throw conflict(`agent ${agent.name} is drained: it takes no new work until undrained`, "agent_id");
    if (!isLive(agent, now)) throw conflict(`agent ${agent.name} is offline`, "agent_id");
    const missing = task.required_skills.filter((s) => !agent.skills.includes(s));
    if (missing.length > 0)
      throw conflict(`agent ${agent.name} lacks the skills ${missing.join(", ")} that task ${task.key} needs`, "agent_id");
    if (task.status === "running" && task.agent_id === agent.id)
      throw conflict(`task ${task.key} is already running on agent ${agent.name}`, "agent_id");

    const previousAgent = task.agent_id;
    const supersededAttempt = await endRunningAttempt(tx, task, "superseded", `reassigned by ${actor}`, now);
    if (supersededAttempt !== null) {
      emit({
        type: "task.superseded",
        actor,
        goalId: task.goal_id,
        subtaskId: task.id,
        agentId: previousAgent,
        data: { attempt: supersededAttempt, to_agent: agent.id },
      });
    }
    const [assignment] = await startAttempts(tx, emit, [{ taskId: task.id, agentId: agent.id }], now, actor);
    // The agent learns of it on its next assign call (lib/orchestration/deliver-reassigned.ts).
    await tx.$executeRaw`UPDATE attempts SET delivered_at = NULL WHERE subtask_id = ${task.id}::uuid AND number = ${assignment!.attempt}`;
    emit({
      type: "task.reassigned",
      actor,
      goalId: task.goal_id,
      subtaskId: task.id,
      agentId: agent.id,
      data: {
        status: "running",
        from_agent: previousAgent,
        to_agent: agent.id,
        previous_status: task.status,
        attempt: assignment!.attempt,
        superseded_attempt: supersededAttempt,
      },
    });
    return { assignment: assignment!, supersededAttempt };
  }
}

export interface CancelTaskResult {
  subtaskId: string;
  skipped: string[];
}

/** An open task is cancelled (its running attempt too) and everything downstream skipped. */
export async function cancelTask(options: { subtaskId: string; actor: string; now?: Date }): Promise<CancelTaskResult> {
  const now = options.now ?? new Date();
  const outcome = await withEvents((tx, emit) => cancelTaskIn(tx, emit, { ...options, now }));
  await finalizeGoalIfDone(outcome.goalId, now);
  return { subtaskId: outcome.subtaskId, skipped: outcome.skipped };
}

/** cancelTask inside the caller's transaction (bulk actions compose it); the caller finalizes the goal after the commit. */
export async function cancelTaskIn(
  tx: Tx,
  emit: Emit,
  options: { subtaskId: string; actor: string; now?: Date },
): Promise<CancelTaskResult & { goalId: string }> {
  const now = options.now ?? new Date();
  const { actor } = options;
  {
    const task = await lockTaskAfterAgents(tx, options.subtaskId);
    if (!canTransition("subtask", "cancel", task.status))
      throw conflict(`task ${task.key} is ${task.status}: only ${describeAllowed("subtask", "cancel")} can be cancelled`);
    const endedAttempt = await endRunningAttempt(tx, task, "cancelled", `cancelled by ${actor}`, now);
    await tx.$executeRaw`
      UPDATE subtasks SET status = 'cancelled', agent_id = NULL, finished_at = ${now}, deadline_at = NULL, next_attempt_at = NULL
      WHERE id = ${task.id}::uuid`;
    emit({
      type: "task.cancelled",
      actor,
      goalId: task.goal_id,
      subtaskId: task.id,
      agentId: task.agent_id,
      data: { status: "cancelled", previous_status: task.status, attempt: endedAttempt },
    });
    const skipped = await skipDownstream(tx, emit, task, now, actor);
    return { subtaskId: task.id, goalId: task.goal_id, skipped };
  }
}

/** Every open task of the goal is cancelled and the goal closed as cancelled, its results aggregated. */
export async function cancelGoal(options: { goalId: string; actor: string; now?: Date }): Promise<{ goalId: string; cancelled: string[] }> {
  const now = options.now ?? new Date();
  const { actor, goalId } = options;
  const outcome = await withEvents(async (tx, emit) => {
    const before = await tx.$queryRaw<Array<{ status: GoalStatus }>>`SELECT status FROM goals WHERE id = ${goalId}::uuid`;
    if (!before[0]) throw notFound("goal", goalId, "id");
    if (!canTransition("goal", "cancel", before[0].status)) throw conflict(`goal is already ${before[0].status}`);
    // The agents of its running tasks, then the tasks, then the goal: the order assignment
    // takes them in (lib/orchestration/locks.ts), so the two cannot deadlock.
    type OpenTask = { id: string; status: SubtaskStatus; attempt: number; agent_id: string | null };
    const open = await lockInOrder<OpenTask[]>(tx, async (extraAgents) => {
      const running = await tx.$queryRaw<Array<{ agent_id: string }>>`
        SELECT DISTINCT agent_id FROM subtasks WHERE goal_id = ${goalId}::uuid AND status = 'running' AND agent_id IS NOT NULL`;
      const agentsLocked = await lockAgents(tx, [...running.map((r) => r.agent_id), ...extraAgents]);
      const tasks = await tx.$queryRaw<OpenTask[]>`
        SELECT id, status, attempt, agent_id FROM subtasks
        WHERE goal_id = ${goalId}::uuid AND status = ANY(${OPEN_SUBTASK_STATUSES}::text[]) ORDER BY id FOR UPDATE`;
      const moved = tasks.filter((t) => t.status === "running" && t.agent_id && !agentsLocked.includes(t.agent_id)).map((t) => t.agent_id!);
      return moved.length > 0 ? { moved } : { value: tasks };
    });
    const goals = await tx.$queryRaw<Array<{ status: GoalStatus }>>`SELECT status FROM goals WHERE id = ${goalId}::uuid FOR UPDATE`;
    const goal = goals[0]!;
    if (!canTransition("goal", "cancel", goal.status)) throw conflict(`goal is already ${goal.status}`);
    await endRunningAttempts(tx, open, "cancelled", `goal cancelled by ${actor}`, now);
    await tx.$executeRaw`
      UPDATE subtasks SET status = 'cancelled', agent_id = NULL, finished_at = ${now}, deadline_at = NULL, next_attempt_at = NULL
      WHERE id = ANY(${open.map((t) => t.id)}::uuid[])`;
    for (const t of open) {
      emit({
        type: "task.cancelled",
        actor,
        goalId,
        subtaskId: t.id,
        agentId: t.agent_id,
        data: { status: "cancelled", previous_status: t.status, because: "goal cancelled" },
      });
    }
    await tx.$executeRaw`UPDATE goals SET status = 'cancelled', pause_reason = NULL, finished_at = ${now}, result = NULL WHERE id = ${goalId}::uuid`;
    // A paused goal's hold ends with it (a task retried later must be claimable).
    await tx.$executeRaw`UPDATE subtasks SET held = false WHERE goal_id = ${goalId}::uuid AND held`;
    emit({
      type: "goal.cancelled",
      actor,
      goalId,
      data: { status: "cancelled", previous_status: goal.status, tasks_cancelled: open.length },
    });
    return { goalId, cancelled: open.map((t) => t.id) };
  });
  // Aggregates what the goal produced before it was cancelled (goal.finished event).
  await finalizeGoalIfDone(goalId, now);
  return outcome;
}
