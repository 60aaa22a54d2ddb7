// The API shape of a subtask (snake_case), shared by every endpoint that returns one.
import { priorityName } from "@/lib/orchestration/types";
import { Prisma } from "@/lib/db";
import type { Columns } from "@/lib/db/rows";

/** A subtask row with its agent's name and its dependencies, as SUBTASK_SELECT reads it. */
export type SubtaskRecord = Columns<
  "subtasks",
  | "id"
  | "goal_id"
  | "key"
  | "name"
  | "description"
  | "required_skills"
  | "priority"
  | "estimated_duration_s"
  | "critical_path_s"
  | "status"
  | "attempt"
  | "failures"
  | "max_attempts"
  | "timeout_s"
  | "agent_id"
  | "result"
  | "error"
  | "created_at"
  | "ready_at"
  | "started_at"
  | "finished_at"
  | "deadline_at"
  | "next_attempt_at"
  | "held"
  | "approval"
  | "kind"
  | "spawned_by"
> & {
  agent_name: string | null;
  output_schema: unknown;
  dependencies: string[];
  /** Issue 9: the running attempt's latest progress report. */
  progress: number | null;
  message: string | null;
};

/** The columns of a SubtaskRecord, over `subtasks s LEFT JOIN agents a ON a.id = s.agent_id`. */
export const SUBTASK_SELECT = Prisma.sql`
  s.id, s.goal_id, s.key, s.name, s.description, s.required_skills, s.priority, s.estimated_duration_s, s.critical_path_s,
  s.status, s.attempt, s.failures, s.max_attempts, s.timeout_s, s.agent_id, a.name AS agent_name, s.result, s.error,
  s.created_at, s.ready_at, s.started_at, s.finished_at, s.deadline_at, s.next_attempt_at, s.kind, s.spawned_by,
  s.held, s.approval, s.output_schema,
  COALESCE((SELECT array_agg(d.depends_on_id) FROM subtask_dependencies d WHERE d.subtask_id = s.id), '{}') AS dependencies,
  CASE WHEN s.status = 'running' THEN (SELECT t.progress FROM attempts t WHERE t.subtask_id = s.id AND t.number = s.attempt) END AS progress,
  CASE WHEN s.status = 'running' THEN (SELECT t.message FROM attempts t WHERE t.subtask_id = s.id AND t.number = s.attempt) END AS message`;

export function presentSubtask(s: SubtaskRecord) {
  return {
    uuid: s.id,
    goal_id: s.goal_id,
    key: s.key,
    name: s.name,
    description: s.description,
    required_skills: s.required_skills,
    priority: priorityName(s.priority),
    priority_level: s.priority,
    estimated_duration_s: s.estimated_duration_s,
    critical_path_s: s.critical_path_s,
    status: s.status,
    attempt: s.attempt,
    failures: s.failures,
    max_attempts: s.max_attempts,
    timeout_s: s.timeout_s,
    agent_id: s.agent_id,
    agent_name: s.agent_name,
    result: s.result,
    error: s.error,
    dependencies: s.dependencies,
    created_at: s.created_at,
    ready_at: s.ready_at,
    started_at: s.started_at,
    finished_at: s.finished_at,
    deadline_at: s.deadline_at,
    next_attempt_at: s.next_attempt_at,
    kind: s.kind,
    spawned_by: s.spawned_by,
    /** Its goal is paused: no new attempt starts until it resumes. */
    held: s.held,
    /** Approval gate: a completed attempt waits for the operator (awaiting_approval). */
    approval: s.approval,
    output_schema: s.output_schema ?? null,
    progress: s.progress,
    message: s.message,
  };
}

export type SubtaskView = ReturnType<typeof presentSubtask>;
