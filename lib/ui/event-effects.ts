// What one live event means for the dashboard's cache (pure): which query keys it makes
// stale, and how it patches a cached goal at once (before the refetch confirms it).
// Every event type of lib/domain/events.ts is handled here: the switches are exhaustive.
import {
  TERMINAL_SUBTASK_STATUSES,
  isGoalStatus,
  isSubtaskStatus,
  isTerminalSubtaskStatus,
  type EventType,
  type GoalStatus,
  type SubtaskStatus,
} from "@/lib/domain";
import { queryKeys, type QueryKey } from "@/lib/ui/query-keys";
import type { GoalWithTasks, LiveEvent } from "@/lib/ui/types";

/** Events that end an attempt, and so move the throughput charts. */
const ENDS_ATTEMPT: Record<EventType, boolean> = {
  "goal.created": false,
  "goal.started": false,
  "goal.finished": false,
  "goal.reopened": false,
  "goal.cancelled": false,
  "task.assigned": false,
  "task.completed": true,
  "task.failed": true,
  "task.timed_out": true,
  "task.requeued": true,
  "task.ready": false,
  "task.skipped": false,
  "task.retried": true,
  "task.unskipped": false,
  "task.superseded": false,
  "task.reassigned": true,
  "task.cancelled": true,
  "task.spawned": false,
  "webhook.created": false,
  "webhook.deleted": false,
  "agent.registered": false,
  "agent.online": false,
  "agent.offline": false,
  "agent.unregistered": false,
  "goal.paused": false,
  "goal.resumed": false,
  "goal.budget_changed": false,
  "agent.drained": false,
  "agent.undrained": false,
  "task.awaiting_approval": true,
  "task.approved": false,
  "task.rejected": false,
  "task.rerun": false,
  "tasks.bulk": true,
};

export function keysTouchedBy(event: LiveEvent): QueryKey[] {
  const keys: QueryKey[] = [queryKeys.status()];
  if (event.goal_id) keys.push(queryKeys.goal(event.goal_id), queryKeys.goalList());
  else if (event.type.startsWith("goal.")) keys.push(queryKeys.goals());
  if (event.subtask_id) keys.push(queryKeys.task(event.subtask_id));
  if (event.agent_id || event.type.startsWith("agent.")) keys.push(queryKeys.agentList());
  if (ENDS_ATTEMPT[event.type]) keys.push(queryKeys.metrics());
  if (event.type.startsWith("task.") || event.type.startsWith("agent.") || event.type.startsWith("goal.")) keys.push(queryKeys.tensors());
  return keys;
}

/** A stable string for a key, to batch invalidations in a Set. */
export function keyId(key: QueryKey): string {
  return JSON.stringify(key);
}

/** The status an event moves its task to, or null when it moves none. */
export function taskStatusAfter(event: LiveEvent): SubtaskStatus | null {
  switch (event.type) {
    case "task.assigned":
    case "task.completed":
    case "task.failed":
    case "task.timed_out":
    case "task.requeued":
    case "task.ready":
    case "task.skipped":
    case "task.retried":
    case "task.unskipped":
    case "task.reassigned":
    case "task.cancelled":
    case "task.awaiting_approval":
    case "task.approved":
    case "task.rejected":
    case "task.rerun":
      // Checked at run time too: the log may hold what an older server wrote.
      return isSubtaskStatus(event.data.status) ? event.data.status : null;
    case "task.superseded": // the task.reassigned that follows carries the new state
    case "task.spawned": // new tasks: the goal's refetch brings them (and the DAG grows)
    case "webhook.created":
    case "webhook.deleted":
    case "goal.created":
    case "goal.started":
    case "goal.finished":
    case "goal.reopened":
    case "goal.cancelled":
    case "agent.registered":
    case "agent.online":
    case "agent.offline":
    case "agent.unregistered":
    case "goal.paused":
    case "goal.resumed":
    case "goal.budget_changed":
    case "agent.drained":
    case "agent.undrained":
    case "tasks.bulk": // a batch: the refetch its keys trigger brings the new states
      return null;
    default: {
      const unknownEvent: never = event;
      void unknownEvent; // a type this dashboard does not know yet (a newer server): no patch
      return null;
    }
  }
}

/** The status an event moves its goal to, or null when it moves none. */
export function goalStatusAfter(event: LiveEvent): GoalStatus | null {
  switch (event.type) {
    case "goal.started":
    case "goal.finished":
    case "goal.reopened":
    case "goal.cancelled":
    case "goal.paused":
    case "goal.resumed":
      return isGoalStatus(event.data.status) ? event.data.status : null;
    default:
      return null;
  }
}

/**
 * The cached goal with the event applied: a task's new status (and agent, when it was
 * assigned), the counts and the progress. Returns the same object when nothing changes.
 */
/**
 * Whether the goal as cached already reflects the event: its read did (every event up to
 * its `last_seq`, and `reflected_seqs`, lib/presenters/goals.ts getGoal), or it was
 * patched with it or a later one (events arrive in seq order).
 */
export function reflects(goal: Pick<GoalWithTasks, "last_seq" | "reflected_seqs">, seq: number): boolean {
  return seq <= goal.last_seq || goal.reflected_seqs.includes(seq);
}

/**
 * The goal after a live event: only an event it does not reflect yet is applied (an older
 * state arriving after a read that holds a newer one would set a task back on screen),
 * and the goal then reflects every event of its own up to that one.
 */
export function patchGoal(goal: GoalWithTasks, event: LiveEvent, agentName?: (agentId: string) => string | undefined): GoalWithTasks {
  if (event.goal_id && event.goal_id !== goal.id) return goal;
  if (reflects(goal, event.seq)) return goal;
  const patched = applyEvent(goal, event, agentName);
  if (patched === goal) return goal;
  return { ...patched, last_seq: event.seq, reflected_seqs: patched.reflected_seqs.filter((s) => s > event.seq) };
}

function applyEvent(goal: GoalWithTasks, event: LiveEvent, agentName?: (agentId: string) => string | undefined): GoalWithTasks {
  const goalStatus = goalStatusAfter(event);
  if (goalStatus) return goalStatus === goal.status ? goal : { ...goal, status: goalStatus };
  const status = taskStatusAfter(event);
  if (!event.subtask_id || !status) return goal;
  const index = goal.subtasks.findIndex((s) => s.uuid === event.subtask_id);
  if (index < 0) return goal;
  const before = goal.subtasks[index]!;
  const assigned = event.type === "task.assigned" || event.type === "task.reassigned";
  const agentId = assigned
    ? event.agent_id
    : status === "running" || status === "completed" || status === "awaiting_approval"
      ? before.agent_id
      : null;
  if (before.status === status && before.agent_id === agentId) return goal;
  const after = {
    ...before,
    status,
    agent_id: agentId,
    agent_name: agentId === before.agent_id ? before.agent_name : agentId ? (agentName?.(agentId) ?? null) : null,
    started_at: status === "running" && before.status !== "running" ? event.created_at : before.started_at,
    finished_at: isTerminalSubtaskStatus(status) ? event.created_at : null,
  };
  const subtasks = goal.subtasks.slice();
  subtasks[index] = after;
  const tasks = { ...goal.tasks } as Record<string, number>;
  tasks[before.status] = Math.max(0, (tasks[before.status] ?? 0) - 1);
  tasks[status] = (tasks[status] ?? 0) + 1;
  const finished = TERMINAL_SUBTASK_STATUSES.reduce((n, s) => n + (tasks[s] ?? 0), 0);
  const total = tasks.total ?? subtasks.length;
  return { ...goal, subtasks, tasks: tasks as GoalWithTasks["tasks"], progress: total === 0 ? 0 : finished / total };
}
