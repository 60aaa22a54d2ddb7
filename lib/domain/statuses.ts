// The status vocabulary of goals, subtasks, attempts and agents: one `as const` list each,
// the union types derived from them, and the terminal/open sets derived from those. The
// database's CHECK constraints list the same values (lib/domain/check-constraints.test.ts).
// No imports: the server, the browser and the typed client all read this file.

export const GOAL_STATUSES = ["pending", "running", "paused", "complete", "partial", "failed", "cancelled"] as const;
export type GoalStatus = (typeof GOAL_STATUSES)[number];
/** A goal in one of these is finished: nothing of it runs or will run unless the operator reopens it. */
export const TERMINAL_GOAL_STATUSES = ["complete", "partial", "failed", "cancelled"] as const satisfies readonly GoalStatus[];
export type TerminalGoalStatus = (typeof TERMINAL_GOAL_STATUSES)[number];
export const OPEN_GOAL_STATUSES = ["pending", "running", "paused"] as const satisfies readonly GoalStatus[];
/** Why a goal is `paused` (goals.pause_reason): the operator paused it, or its budget ran out. */
export const PAUSE_REASONS = ["operator", "budget_exceeded"] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number];

export const SUBTASK_STATUSES = [
  "waiting",
  "pending",
  "running",
  "completed",
  "failed",
  "retrying",
  "cancelled",
  "skipped",
  "awaiting_approval",
] as const;
export type SubtaskStatus = (typeof SUBTASK_STATUSES)[number];
/** A task in one of these is done: its goal can finish once every task is. */
export const TERMINAL_SUBTASK_STATUSES = ["completed", "failed", "cancelled", "skipped"] as const satisfies readonly SubtaskStatus[];
export type TerminalSubtaskStatus = (typeof TERMINAL_SUBTASK_STATUSES)[number];
/** A task in one of these still runs, will run, or waits for someone (its dependencies, an approval). */
export const OPEN_SUBTASK_STATUSES = [
  "waiting",
  "pending",
  "running",
  "retrying",
  "awaiting_approval",
] as const satisfies readonly SubtaskStatus[];
export type OpenSubtaskStatus = (typeof OPEN_SUBTASK_STATUSES)[number];
/** Open and not yet running: what a failure upstream skips. */
export const QUEUED_SUBTASK_STATUSES = ["waiting", "pending", "retrying"] as const satisfies readonly SubtaskStatus[];
/** A task an agent can be handed (once its retry time has come, for `retrying`). */
export const READY_SUBTASK_STATUSES = ["pending", "retrying"] as const satisfies readonly SubtaskStatus[];

export const ATTEMPT_OUTCOMES = ["running", "completed", "failed", "timed_out", "lost", "superseded", "cancelled", "rejected"] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];
/** Attempts that ended without a result: what the throughput charts count as failures. */
export const FAILED_ATTEMPT_OUTCOMES = ["failed", "timed_out", "lost"] as const satisfies readonly AttemptOutcome[];
/** Every outcome but `running` ends the attempt. */
export const ENDED_ATTEMPT_OUTCOMES = [
  "completed",
  "failed",
  "timed_out",
  "lost",
  "superseded",
  "cancelled",
  "rejected",
] as const satisfies readonly AttemptOutcome[];

/** Derived, never stored: from the heartbeat (offline), the operator's drain, and the running count. */
export const AGENT_STATUSES = ["idle", "busy", "draining", "offline"] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export function agentStatus(agent: { offline: boolean; running: number; draining?: boolean }): AgentStatus {
  if (agent.offline) return "offline";
  if (agent.draining) return "draining";
  return agent.running > 0 ? "busy" : "idle";
}

/** A type guard for a value read from outside (an event payload, a query string). */
function member<T extends string>(list: readonly T[]) {
  return (value: unknown): value is T => typeof value === "string" && (list as readonly string[]).includes(value);
}
export const isGoalStatus = member(GOAL_STATUSES);
export const isSubtaskStatus = member(SUBTASK_STATUSES);
export const isAttemptOutcome = member(ATTEMPT_OUTCOMES);
export const isAgentStatus = member(AGENT_STATUSES);
export const isTerminalSubtaskStatus = member<SubtaskStatus>(TERMINAL_SUBTASK_STATUSES);
export const isOpenSubtaskStatus = member<SubtaskStatus>(OPEN_SUBTASK_STATUSES);
export const isTerminalGoalStatus = member<GoalStatus>(TERMINAL_GOAL_STATUSES);

/** Exhaustiveness check for `switch` statements over the unions above. */
export function assertNever(value: never, what = "value"): never {
  throw new Error(`unexpected ${what}: ${String(value)}`);
}
