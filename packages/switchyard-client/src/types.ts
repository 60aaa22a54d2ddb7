// Request and response types of the Switchyard HTTP API, standing alone (no server or zod
// types). Requests are written out and checked against the schemas the routes validate
// with (lib/api/client-types.check.ts); responses are generated from the server's OpenAPI
// document (openapi.gen.ts, `npm run gen:client`, checked current by lib/api/client-schema.test.ts).
import type { components } from "./openapi.gen.js";

export type PriorityName = "CRITICAL" | "HIGH" | "MEDIUM" | "LOW";
export type SubtaskStatus =
  "waiting" | "pending" | "running" | "completed" | "failed" | "retrying" | "cancelled" | "skipped" | "awaiting_approval";
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
  /** "agent": one planning task (skill `planning`) whose agent answers with a spawn. */
  planner?: Planner;
  /** How the results combine into the final output (default concat). */
  aggregation?: AggregationStrategy;
  /** Pause the goal (reason budget_exceeded) once its recorded usage passes this. */
  budget?: Budget;
}

export type Planner = "server" | "agent";
export type AggregationStrategy = "concat" | "json_merge" | "json_array" | "last" | "agent";

/** Tasks a completion adds to its goal: keys local to the spawn, `depends_on` among them. */
export interface SpawnRequest {
  tasks: PlanTask[];
}

/** A goal's budget; null removes a limit. */
export interface Budget {
  max_cost_usd?: number | null;
  max_tokens?: number | null;
}

/** Usage one report adds to its attempt (values add up over reports). */
export interface UsageReport {
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
  usage?: UsageReport;
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
  /** New tasks after this one: they depend on it, and its dependents also wait for their sinks. */
  spawn?: SpawnRequest;
  /** What the attempt used since its last progress report. */
  usage?: UsageReport;
}

export type WebhookEventType =
  "goal.finished" | "task.failed" | "task.awaiting_approval" | "goal.budget_exceeded" | "task.spawned" | "goal.cancelled";

export interface CreateWebhookRequest {
  url: string;
  events: WebhookEventType[];
  /** Generated (and returned once) when absent. */
  secret?: string;
}

export interface FailRequest {
  subtask_uuid: string;
  error: string;
  attempt?: number;
}

export interface AgentIdRequest {
  agent_id: string;
}

export type GoalsQuery = {
  status?: GoalStatus;
  limit?: number;
  /** text search over goal and context */ q?: string;
  /** from the previous page's next_cursor */ cursor?: string;
};

// Responses: generated from the server's OpenAPI document, whose response schemas are the
// zod schemas the contract test checks every real answer against (openapi.gen.ts).
type Schemas = components["schemas"];

export type RegisterResponse = Schemas["RegisterResponse"];
export type CreatedSubtask = Schemas["CreatedSubtask"];
export type DecomposeResponse = Schemas["DecomposeResponse"];
export type Assignment = Schemas["Assignment"];
export type AssignResponse = Schemas["AssignResponse"];
export type Subtask = Schemas["Subtask"];
export type AttemptView = Schemas["Attempt"];
export type SubtaskDetail = Schemas["SubtaskDetail"];
export type Usage = Schemas["Usage"];
export type CompleteResponse = Schemas["CompleteResponse"];
export type FailResponse = Schemas["FailResponse"];
export type ProgressResponse = Schemas["ProgressResponse"];
export type CompleteBatchResponse = Schemas["CompleteBatchResponse"];
export type HeartbeatResponse = Schemas["HeartbeatResponse"];
export type UnregisterResponse = Schemas["UnregisterResponse"];
export type StatusResponse = Schemas["StatusResponse"];
export type TensorResponse = Schemas["TensorResponse"];
export type DenseTensor = Extract<TensorResponse, { format: "dense" }>;
export type SparseTensorResponse = Extract<TensorResponse, { format: "sparse" }>;
export type TensorIds = Pick<DenseTensor, "shape" | "task_ids" | "agent_ids">;
export type TensorLabelsResponse = Schemas["TensorLabelsResponse"];
export type GoalSummary = Schemas["GoalSummary"];
export type GoalsResponse = Schemas["GoalsResponse"];
/** The aggregated output of a finished goal, as the domain stores it. */
export type AggregatedResult = Schemas["AggregatedResult"];
export type GoalDetail = Schemas["GoalDetail"];
export type AgentView = Schemas["Agent"];
export type AgentsResponse = Schemas["AgentsResponse"];
/** Seed 002's response format for a workflow. */
export type WorkflowResult = Schemas["WorkflowResult"];
export type EventsResponse = Schemas["EventsResponse"];
/** One entry of the event log: what the socket sends and GET /api/events returns (a union discriminated by `type`). */
export type ApiEvent = EventsResponse["events"][number];
export type ThroughputResponse = Schemas["ThroughputResponse"];
export type AgentThroughputResponse = Schemas["AgentThroughputResponse"];
export type SessionResponse = Schemas["SessionResponse"];
export type HealthResponse = Schemas["HealthResponse"];
export type CancelGoalResponse = Schemas["GoalEnvelope"];
export type RetryTaskResponse = Schemas["RetryResponse"];
export type CancelTaskResponse = Schemas["CancelTaskResponse"];
export type ReassignTaskResponse = Schemas["ReassignResponse"];
export type ErrorBody = Schemas["Error"];
export type Webhook = Schemas["Webhook"];
export type CreatedWebhook = Schemas["CreatedWebhook"];
export type WebhookDelivery = Schemas["WebhookDelivery"];
// Operators step in (issue 10)
export type PauseGoalResponse = Schemas["PauseGoalResponse"];
export type ResumeGoalResponse = Schemas["ResumeGoalResponse"];
export type AgentEnvelope = Schemas["AgentEnvelope"];
export type ApproveTaskResponse = Schemas["ApproveTaskResponse"];
export type RejectTaskResponse = Schemas["RejectTaskResponse"];
export type RerunTaskResponse = Schemas["RerunTaskResponse"];
export type BulkTasksResponse = Schemas["BulkTasksResponse"];
export type PreviousAttempt = NonNullable<Assignment["previous_attempt"]>;
/** A page of goals (GET /api/goals with q, status, cursor). */
export type GoalPage = GoalsResponse;
export type BulkAction = BulkTasksResponse["action"];
export interface BulkTasksRequest {
  action: BulkAction;
  filter: { goal_id?: string; status?: SubtaskStatus | SubtaskStatus[]; skill?: string; agent_id?: string; key?: string };
  /** The agent to reassign to (action reassign). */
  agent_id?: string;
  dry_run?: boolean;
}

/** GET /api/orchestration/tensor?format=binary, decoded by the client. */
export interface BinaryTensor {
  format: "binary";
  shape: [number, number, number];
  /** Row-major float32 values, length = product of shape. */
  data: Float32Array;
}

export interface EventsQuery {
  /** Events after this seq (default 0). */
  after?: number;
  goal_id?: string;
  limit?: number;
}
