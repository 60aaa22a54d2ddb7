// Names shared by the whole orchestration core.

export const PRIORITY_NAMES = ["CRITICAL", "HIGH", "MEDIUM", "LOW"] as const;
export type PriorityName = (typeof PRIORITY_NAMES)[number];
/** Tensor priority level: 0 = CRITICAL … 3 = LOW. */
export type PriorityLevel = 0 | 1 | 2 | 3;

// The status vocabulary lives in lib/domain (one typed source); re-exported for the core's imports.
export {
  AGENT_STATUSES,
  ATTEMPT_OUTCOMES,
  GOAL_STATUSES,
  OPEN_SUBTASK_STATUSES,
  SUBTASK_STATUSES,
  TERMINAL_SUBTASK_STATUSES,
  PAUSE_REASONS,
  agentStatus,
  type AgentStatus,
  type AttemptOutcome,
  type GoalStatus,
  type PauseReason,
  type SubtaskStatus,
} from "@/lib/domain";

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
