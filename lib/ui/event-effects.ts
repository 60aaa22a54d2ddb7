// What one live event means for the dashboard's cache (pure): which query keys it makes
// stale, and how it patches a cached goal at once (before the refetch confirms it).
import { queryKeys, type QueryKey } from "@/lib/ui/query-keys";
import type { GoalWithTasks, LiveEvent } from "@/lib/ui/types";
import { SUBTASK_STATUSES as SUBTASK_STATUS_LIST } from "@/lib/orchestration/types";

const SUBTASK_STATUSES = new Set<string>(SUBTASK_STATUS_LIST);
const FINISHED = new Set(["completed", "failed", "cancelled", "skipped"]);
/** Events that end an attempt, and so move the throughput charts. */
const ATTEMPT_ENDINGS = /^task\.(completed|failed|timed_out|requeued|lost|reassigned|cancelled|retried)$/;

export function keysTouchedBy(event: LiveEvent): QueryKey[] {
  const keys: QueryKey[] = [queryKeys.status()];
  if (event.goal_id) keys.push(queryKeys.goal(event.goal_id), queryKeys.goalList());
  else if (event.type.startsWith("goal.")) keys.push(queryKeys.goals());
  if (event.subtask_id) keys.push(queryKeys.task(event.subtask_id));
  if (event.agent_id || event.type.startsWith("agent.")) keys.push(queryKeys.agentList());
  if (ATTEMPT_ENDINGS.test(event.type)) keys.push(queryKeys.metrics());
  if (event.type.startsWith("task.") || event.type.startsWith("agent.") || event.type.startsWith("goal.")) keys.push(queryKeys.tensors());
  return keys;
}

/** A stable string for a key, to batch invalidations in a Set. */
export function keyId(key: QueryKey): string {
  return JSON.stringify(key);
}

/**
 * The cached goal with the event applied: a task's new status (and agent, when it was
 * assigned), the counts and the progress. Returns the same object when nothing changes.
 */
export function patchGoal(goal: GoalWithTasks, event: LiveEvent, agentName?: (agentId: string) => string | undefined): GoalWithTasks {
  if (event.goal_id && event.goal_id !== goal.id) return goal;
  if (event.type.startsWith("goal.") && typeof event.data.status === "string" && event.data.status !== goal.status) {
    return { ...goal, status: event.data.status };
  }
  const status = event.data.status;
  if (!event.subtask_id || typeof status !== "string" || !SUBTASK_STATUSES.has(status)) return goal;
  const index = goal.subtasks.findIndex((s) => s.uuid === event.subtask_id);
  if (index < 0) return goal;
  const before = goal.subtasks[index]!;
  const assigned = event.type === "task.assigned" || event.type === "task.reassigned";
  const agentId = assigned ? event.agent_id : status === "running" || status === "completed" ? before.agent_id : null;
  if (before.status === status && before.agent_id === agentId) return goal;
  const after = {
    ...before,
    status,
    agent_id: agentId,
    agent_name: agentId === before.agent_id ? before.agent_name : agentId ? (agentName?.(agentId) ?? null) : null,
    started_at: status === "running" && before.status !== "running" ? event.created_at : before.started_at,
    finished_at: FINISHED.has(status) ? event.created_at : null,
  };
  const subtasks = goal.subtasks.slice();
  subtasks[index] = after;
  const tasks = { ...goal.tasks } as Record<string, number>;
  tasks[before.status] = Math.max(0, (tasks[before.status] ?? 0) - 1);
  tasks[status] = (tasks[status] ?? 0) + 1;
  const finished = ["completed", "failed", "cancelled", "skipped"].reduce((n, s) => n + (tasks[s] ?? 0), 0);
  const total = tasks.total ?? subtasks.length;
  return { ...goal, subtasks, tasks: tasks as GoalWithTasks["tasks"], progress: total === 0 ? 0 : finished / total };
}
