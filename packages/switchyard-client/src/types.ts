// Request and response types of the Switchyard HTTP API: the wire shapes, written out so
// the published declarations stand alone (no server or zod types). The app checks that
// they agree with the schemas its routes validate with (lib/api/client-types.check.ts).

export type PriorityName = "CRITICAL" | "HIGH" | "MEDIUM" | "LOW";
export type SubtaskStatus =
  | "waiting"
  | "pending"
  | "running"
  | "completed"
  | "failed"
  | "retrying"
  | "cancelled"
  | "skipped"
  | "awaiting_approval";
export type GoalStatus = "pending" | "running" | "paused" | "complete" | "partial" | "failed" | "cancelled";
export type AgentStatus = "idle" | "busy" | "draining" | "offline";
export type AttemptOutcome = "running" | "completed" | "failed" | "timed_out" | "lost" | "superseded" | "cancelled" | "rejected";
/** Timestamps arrive as ISO 8601 strings. */
export type Timestamp = string;

export interface RegisterRequest {
  skills: string[];
  name?: string;
  capacity?: number;
  context_id?: string;
}

/** One task of an explicit plan. */
export interface PlanTask {
  key: string;
  name: string;
  description?: string;
  required_skills?: string[];
  /** A name, or 0 (CRITICAL) … 3 (LOW). */
  priority?: PriorityName | number;
  estimated_duration_s?: number;
  /** Keys of tasks of the same plan. */
  depends_on?: string[];
  max_attempts?: number;
  timeout_s?: number;
}

export interface DecomposeRequest {
  goal: string;
  context?: string;
  plan?: { tasks: PlanTask[] };
  /** Seed 003's markdown plan. */
  plan_markdown?: string;
  dry_run?: boolean;
  /** Pause the goal (reason budget_exceeded) once its recorded usage passes this. */
  budget?: Budget;
}

/** A goal's budget; null removes a limit. */
export interface Budget {
  max_cost_usd?: number | null;
  max_tokens?: number | null;
}

/** Usage one report adds to its attempt (values add up over reports). */
export interface Usage {
  input_tokens?: number;
  output_tokens?: number;
  cost_usd?: number;
  model?: string;
}

/** POST /api/orchestration/progress: how the running attempt is going. */
export interface ProgressRequest {
  subtask_uuid: string;
  attempt?: number;
  /** 0..1 */
  progress?: number;
  message?: string;
  /** Output to append to the attempt's stored tail (at most 64 KiB per report). */
  output?: string;
  usage?: Usage;
}

export interface ProgressResponse {
  subtask_uuid: string;
  attempt: number;
  progress: number | null;
  message: string | null;
  output_bytes: number;
  dropped_bytes: number;
  usage: { input_tokens: number; output_tokens: number; cost_usd: number; model: string | null };
  goal_paused: boolean;
}

export interface AssignRequest {
  agent_id?: string;
  max?: number;
}

/** A result is text or JSON. */
export type ResultValue = string | Record<string, unknown> | unknown[] | number | boolean;

export interface CompleteRequest {
  subtask_uuid: string;
  result: ResultValue;
  attempt?: number;
  /** What the attempt used since its last progress report. */
  usage?: Usage;
}

export interface FailRequest {
  subtask_uuid: string;
  error: string;
  attempt?: number;
}

export interface AgentIdRequest {
  agent_id: string;
}

export type GoalsQuery = { status?: GoalStatus; limit?: number };

export interface RegisterResponse {
  agent_id: string;
  name: string;
  token: string;
  skills: string[];
  capacity: number;
}

export interface CreatedSubtask {
  uuid: string;
  key: string;
  name: string;
  description: string;
  priority: PriorityName;
  required_skills: string[];
  estimated_duration_s: number;
  critical_path_s: number;
  max_attempts: number;
  timeout_s: number;
  dependencies: string[];
  depends_on: string[];
  status: Extract<SubtaskStatus, "waiting" | "pending">;
}

export interface DecomposeResponse {
  /** null for a dry run */
  goal_id: string | null;
  template: "analysis" | "development" | "fan_out" | "generic" | "explicit" | "markdown" | "llm" | string;
  subtasks: CreatedSubtask[];
}

export interface Assignment {
  subtask_uuid: string;
  goal_id: string;
  agent_id: string;
  attempt: number;
  key: string;
  name: string;
  description: string;
  required_skills: string[];
  priority: PriorityName;
  timeout_s: number;
  deadline_at: Timestamp;
  goal: string;
  context: string | null;
  /** Results of the task's direct dependencies. */
  inputs: Array<{ key: string; name: string; result: string | null }>;
}

export interface AssignResponse {
  assignments: Assignment[];
}

export interface Subtask {
  uuid: string;
  goal_id: string;
  key: string;
  name: string;
  description: string;
  required_skills: string[];
  priority: PriorityName;
  priority_level: number;
  estimated_duration_s: number;
  critical_path_s: number;
  status: SubtaskStatus;
  attempt: number;
  failures: number;
  max_attempts: number;
  timeout_s: number;
  agent_id: string | null;
  agent_name: string | null;
  result: string | null;
  error: string | null;
  dependencies: string[];
  created_at: Timestamp;
  ready_at: Timestamp | null;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  deadline_at: Timestamp | null;
  next_attempt_at: Timestamp | null;
}

export interface AttemptView {
  number: number;
  agent_id: string;
  agent_name: string;
  outcome: AttemptOutcome;
  result: string | null;
  error: string | null;
  started_at: Timestamp;
  ended_at: Timestamp | null;
}

export interface SubtaskDetail extends Subtask {
  attempts: AttemptView[];
}

export interface CompleteResponse {
  subtask: SubtaskDetail;
  released: string[];
}

export interface FailResponse {
  subtask: SubtaskDetail;
}

export interface HeartbeatResponse {
  agent_id: string;
  status: AgentStatus;
}

export interface UnregisterResponse {
  agent_id: string;
  released: string[];
}

type Counts<K extends string> = Record<K | "total", number>;

export interface StatusResponse {
  agents: { total: number; idle: number; busy: number; offline: number; capacity: number; running: number };
  tasks: Counts<SubtaskStatus>;
  goals: Counts<GoalStatus>;
}

export interface TensorIds {
  /** [n_tasks, n_agents, 4] */
  shape: [number, number, number];
  task_ids: string[];
  agent_ids: string[];
}

export interface DenseTensor extends TensorIds {
  format: "dense";
  data: number[][][];
}

export interface SparseTensorResponse extends TensorIds {
  format: "sparse";
  /** [task index, agent index, priority level, value] */
  entries: Array<[number, number, number, number]>;
}

export interface BinaryTensor {
  format: "binary";
  shape: [number, number, number];
  /** Row-major float32 values, length = product of shape. */
  data: Float32Array;
}

export interface GoalSummary {
  id: string;
  goal: string;
  context: string | null;
  status: GoalStatus;
  template: string;
  created_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  elapsed_ms: number;
  tasks: Counts<SubtaskStatus>;
  progress: number;
}

/** The aggregated output of a finished goal, as the domain stores it. */
export interface AggregatedResult {
  strategy: "concat";
  status: "complete" | "partial" | "failed" | "cancelled";
  steps_completed: number;
  steps_failed: number;
  steps_skipped: number;
  steps_cancelled: number;
  outputs: Array<{ key: string; name: string; status: SubtaskStatus; result: string | null; error: string | null; agent: string | null }>;
  /** The text a person reads: each sink's result (or every result when no sink completed). */
  final_output: string;
}

export interface GoalDetail extends GoalSummary {
  result: AggregatedResult | null;
  subtasks: Subtask[];
  edges: Array<{ from: string; to: string }>;
}

export interface AgentView {
  id: string;
  name: string;
  skills: string[];
  capacity: number;
  context_id: string | null;
  status: AgentStatus;
  running: number;
  load: number;
  tasks_done: number;
  tasks_failed: number;
  mean_duration_ms: number | null;
  registered_at: Timestamp;
  last_heartbeat_at: Timestamp;
  heartbeat_age_ms: number;
}

/** Seed 002's response format for a workflow. */
export interface WorkflowResult {
  workflow_id: string;
  goal: string;
  /** complete | partial | failed when finished; running/pending while open; cancelled. */
  status: GoalStatus;
  result: {
    final_output: string;
    outputs: Array<{ key: string; name: string; status: SubtaskStatus; result: string | null; error: string | null; agent: string | null }>;
  } | null;
  steps_completed: number;
  steps_failed: number;
  steps_skipped: number;
  steps_total: number;
  total_time_ms: number;
  agents_used: string[];
  nodes_used: string[];
  failures: Array<{ key: string; name: string; error: string | null; attempts: number }>;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
}

/** One entry of the event log: what the socket sends and GET /api/events returns. */
export interface ApiEvent {
  seq: number;
  /** e.g. task.assigned, task.completed, task.failed, task.retried, goal.finished, agent.offline */
  type: string;
  goal_id: string | null;
  subtask_id: string | null;
  agent_id: string | null;
  /** Who did it: `operator`, `agent:<uuid>` or `system`. */
  actor: string;
  data: Record<string, unknown>;
  /** ISO 8601 */
  created_at: Timestamp;
}

export interface EventsQuery {
  /** Events after this seq (default 0). */
  after?: number;
  goal_id?: string;
  limit?: number;
}

export interface EventsResponse {
  events: ApiEvent[];
  /** Pass as `after` next time. */
  last_seq: number;
}

export interface CancelGoalResponse {
  goal: GoalDetail;
}

export interface RetryTaskResponse {
  subtask: SubtaskDetail;
  /** Dependents that were skipped and wait again. */
  unskipped: string[];
}

export interface CancelTaskResponse {
  subtask: SubtaskDetail;
  skipped: string[];
}

export interface ReassignTaskResponse {
  subtask: SubtaskDetail;
  assignment: Assignment;
  superseded_attempt: number | null;
}

export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}
