// Names shared by the whole orchestration core.

export const PRIORITY_NAMES = ["CRITICAL", "HIGH", "MEDIUM", "LOW"] as const;
export type PriorityName = (typeof PRIORITY_NAMES)[number];
/** Tensor priority level: 0 = CRITICAL … 3 = LOW. */
export type PriorityLevel = 0 | 1 | 2 | 3;

export const SUBTASK_STATUSES = ["waiting", "pending", "running", "awaiting_approval", "completed", "failed", "retrying", "cancelled", "skipped"] as const;
export type SubtaskStatus = (typeof SUBTASK_STATUSES)[number];
export const TERMINAL_SUBTASK_STATUSES: readonly SubtaskStatus[] = ["completed", "failed", "cancelled", "skipped"];
export const OPEN_SUBTASK_STATUSES: readonly SubtaskStatus[] = ["waiting", "pending", "running", "awaiting_approval", "retrying"];

export const GOAL_STATUSES = ["pending", "running", "paused", "complete", "partial", "failed", "cancelled"] as const;
export type GoalStatus = (typeof GOAL_STATUSES)[number];

/** Why a goal is paused: the operator paused it, or its budget ran out. */
export const PAUSE_REASONS = ["operator", "budget_exceeded"] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number];

export const AGENT_STATUSES = ["idle", "busy", "offline"] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export const ATTEMPT_OUTCOMES = ["running", "completed", "failed", "timed_out", "lost", "superseded", "cancelled", "rejected"] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

/** One task of a plan, before it is persisted (from a template, a JSON or a markdown plan). */
export interface PlanTask {
  key: string;
  name: string;
  description: string;
  requiredSkills: string[];
  priority: PriorityLevel;
  estimatedDurationS: number;
  dependsOn: string[];
  maxAttempts: number;
  timeoutS: number;
  /** Approval gate: a completed attempt waits for the operator (templates may set it). */
  approval?: boolean;
  /** A JSON Schema every result must match. */
  outputSchema?: Record<string, unknown> | null;
}

export const DEFAULT_MAX_ATTEMPTS = 3;
export const DEFAULT_TIMEOUT_S = 600;
export const DEFAULT_ESTIMATE_S = 60;

export function priorityName(level: number): PriorityName {
  return PRIORITY_NAMES[level] ?? "MEDIUM";
}

export function agentStatus(agent: { offline: boolean; running: number }): AgentStatus {
  if (agent.offline) return "offline";
  return agent.running > 0 ? "busy" : "idle";
}
