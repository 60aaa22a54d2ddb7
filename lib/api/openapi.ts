// The OpenAPI 3.1 document of the HTTP API, built from the same zod schemas the routes
// validate with (z.toJSONSchema), plus one entry per route: path, method, auth, summary.
// lib/api/openapi.test.ts checks that every route file under app/api is listed here.
import { z } from "zod";
import * as schemas from "@/lib/api/schemas";
import * as progressSchemas from "@/lib/api/schemas/progress";
import { GOAL_STATUSES } from "@/lib/domain/statuses";

type Method = "get" | "post" | "delete";
type Auth = "public" | "agent" | "operator" | "agent_or_operator";

export interface RouteDoc {
  method: Method;
  /** OpenAPI path, `{id}` for a dynamic segment. */
  path: string;
  summary: string;
  auth: Auth;
  tag: string;
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  /** A named response schema from `responses` below, or a media type for non-JSON answers. */
  response?: string;
  produces?: string;
}

// Schemas that another part of the API adds may not exist yet: use them when they do.
const optionalSchema = (name: string): z.ZodType | undefined => (schemas as Record<string, unknown>)[name] as z.ZodType | undefined;

export const ROUTE_DOCS: RouteDoc[] = [
  { method: "post", path: "/api/orchestration/register", summary: "Register an agent; the token is shown only here", auth: "public", tag: "agents", body: schemas.registerBody, response: "RegisterResponse" },
  { method: "post", path: "/api/orchestration/decompose", summary: "Decompose a goal into a DAG of subtasks and store it", auth: "operator", tag: "goals", body: schemas.decomposeBody, response: "DecomposeResponse" },
  { method: "post", path: "/api/orchestration/assign", summary: "An agent pulls work (with agent_id), or the operator assigns across all agents", auth: "agent_or_operator", tag: "tasks", body: schemas.assignBody, response: "AssignResponse" },
  { method: "post", path: "/api/orchestration/complete", summary: "The assigned agent reports its attempt's result", auth: "agent", tag: "tasks", body: schemas.completeBody, response: "SubtaskEnvelope" },
  { method: "post", path: "/api/orchestration/fail", summary: "The assigned agent reports that its attempt failed", auth: "agent", tag: "tasks", body: schemas.failBody, response: "SubtaskEnvelope" },
  { method: "post", path: "/api/orchestration/heartbeat", summary: "An agent says it is alive", auth: "agent", tag: "agents", body: schemas.agentIdBody },
  { method: "post", path: "/api/orchestration/unregister", summary: "An agent leaves; its running tasks go back to the pool", auth: "agent", tag: "agents", body: schemas.agentIdBody },
  { method: "get", path: "/api/orchestration/status", summary: "Counts of agents, tasks and goals by status", auth: "operator", tag: "status" },
  { method: "get", path: "/api/orchestration/tensor", summary: "T[n_tasks, n_agents, 4] as dense JSON, sparse JSON or binary float32 (format=binary)", auth: "operator", tag: "status", query: schemas.tensorQuery },
  { method: "get", path: "/api/goals", summary: "Goals, newest first, with task counts and progress", auth: "operator", tag: "goals", query: schemas.goalsQuery },
  { method: "post", path: "/api/goals", summary: "Submit a goal (same body as /api/orchestration/decompose)", auth: "operator", tag: "goals", body: schemas.decomposeBody, response: "DecomposeResponse" },
  { method: "get", path: "/api/goals/{id}", summary: "One goal with its subtasks and dependency edges", auth: "operator", tag: "goals", params: schemas.idParams },
  { method: "get", path: "/api/goals/{id}/result", summary: "The goal's workflow result in seed 002's format", auth: "operator", tag: "goals", params: schemas.idParams, response: "WorkflowResult" },
  { method: "get", path: "/api/goals/{id}/plan.md", summary: "The goal as seed 003's markdown master plan", auth: "operator", tag: "goals", params: schemas.idParams, produces: "text/markdown" },
  { method: "post", path: "/api/goals/{id}/cancel", summary: "Cancel a goal: its open tasks are cancelled", auth: "operator", tag: "goals", params: schemas.idParams, body: optionalSchema("cancelGoalBody") },
  { method: "get", path: "/api/tasks/{id}", summary: "One task with its attempt history", auth: "operator", tag: "tasks", params: schemas.idParams },
  { method: "post", path: "/api/tasks/{id}/retry", summary: "Retry a failed, skipped or cancelled task now", auth: "operator", tag: "tasks", params: schemas.idParams, body: optionalSchema("retryTaskBody") },
  { method: "post", path: "/api/tasks/{id}/reassign", summary: "Move a task to a chosen agent", auth: "operator", tag: "tasks", params: schemas.idParams, body: schemas.reassignBody },
  { method: "post", path: "/api/tasks/{id}/cancel", summary: "Cancel a task", auth: "operator", tag: "tasks", params: schemas.idParams, body: optionalSchema("cancelTaskBody") },
  { method: "get", path: "/api/events", summary: "The event log after a sequence number, for resync", auth: "operator", tag: "events", query: schemas.eventsQuery },
  { method: "post", path: "/api/orchestration/complete-batch", summary: "The calling agent reports many attempts' results in one transaction", auth: "agent", tag: "tasks", body: optionalSchema("completeBatchBody") },
  { method: "get", path: "/api/orchestration/tensor/labels", summary: "The tensor's task and agent labels in its row and column order", auth: "operator", tag: "status", query: schemas.tensorLabelsQuery },
  { method: "get", path: "/api/metrics", summary: "Prometheus metrics: tasks by state, live agents, assignments, completions, assign latency, event fan-out", auth: "operator", tag: "status", produces: "text/plain" },
  { method: "get", path: "/api/metrics/throughput", summary: "Completions and failures per minute over the last N minutes (optionally of one agent)", auth: "operator", tag: "status", query: schemas.throughputQuery },
  { method: "get", path: "/api/metrics/agents", summary: "Per-agent completions and failures per minute over the last N minutes", auth: "operator", tag: "status", query: schemas.agentThroughputQuery },
  { method: "get", path: "/api/session", summary: "Whether sign-in is required and whether this browser is signed in", auth: "public", tag: "session" },
  { method: "post", path: "/api/session", summary: "Sign in with the operator token (JSON or form); sets the httpOnly cookie", auth: "public", tag: "session", body: schemas.sessionBody },
  { method: "delete", path: "/api/session", summary: "Sign out (clears the cookie)", auth: "public", tag: "session" },
  { method: "get", path: "/api/agents", summary: "Registered agents with status, load and counters", auth: "operator", tag: "agents" },
  { method: "get", path: "/api/health", summary: "Liveness and database reachability", auth: "public", tag: "status" },
  { method: "get", path: "/api/openapi.json", summary: "This document", auth: "public", tag: "status" },
  // Issue 9: live progress, output and usage of running attempts.
  {
    method: "post",
    path: "/api/orchestration/progress",
    summary:
      "The assigned agent reports its running attempt: progress 0..1, a message, output to append (at most 64 KiB a report; 413 above) and usage to add. Fenced by attempt like complete (409 stale_attempt); rate limited like every agent call",
    auth: "agent",
    tag: "tasks",
    body: progressSchemas.progressBody,
    response: "ProgressResponse",
  },
  {
    method: "get",
    path: "/api/tasks/{id}/output",
    summary: "An attempt's stored output as plain text (the latest attempt by default): its last 256 KiB, after a line \"… n bytes dropped\" when the front was cut",
    auth: "operator",
    tag: "tasks",
    params: schemas.idParams,
    query: progressSchemas.outputQuery,
    produces: "text/plain",
  },
  { method: "get", path: "/api/agents/skills", summary: "Skills demanded by open tasks against those offered by live agents, and the count of tasks no live agent can take (unroutable)", auth: "operator", tag: "agents" },
  { method: "get", path: "/api/goals/{id}/timeline", summary: "The goal's attempts for its timeline: per attempt the task, agent, outcome, queued (ready), started and ended times (epoch ms)", auth: "operator", tag: "goals", params: schemas.idParams },
];

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return rest;
}

const errorSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: { code: { type: "string" }, message: { type: "string" }, field: { type: "string", description: "the offending field, e.g. plan.tasks[2].depends_on[0]" } },
    },
  },
};

const uuid = { type: "string", format: "uuid" };
const str = { type: "string" };
const responses: Record<string, Record<string, unknown>> = {
  RegisterResponse: { type: "object", properties: { agent_id: uuid, name: str, token: { type: "string", description: "Bearer token for this agent's calls" }, skills: { type: "array", items: str }, capacity: { type: "integer" } } },
  DecomposeResponse: {
    type: "object",
    properties: { goal_id: { type: ["string", "null"], format: "uuid" }, template: str, subtasks: { type: "array", items: { type: "object", additionalProperties: true } } },
  },
  Assignment: {
    type: "object",
    properties: {
      subtask_uuid: uuid, goal_id: uuid, agent_id: uuid, attempt: { type: "integer" }, key: str, name: str, description: str,
      required_skills: { type: "array", items: str }, priority: str, timeout_s: { type: "integer" }, deadline_at: { type: "string", format: "date-time" },
      goal: str, context: { type: ["string", "null"] },
      inputs: { type: "array", items: { type: "object", properties: { key: str, name: str, result: { type: ["string", "null"] } } } },
    },
  },
  AssignResponse: { type: "object", properties: { assignments: { type: "array", items: { $ref: "#/components/schemas/Assignment" } } } },
  SubtaskEnvelope: { type: "object", properties: { subtask: { type: "object", additionalProperties: true }, released: { type: "array", items: uuid } } },
  WorkflowResult: {
    type: "object",
    properties: {
      workflow_id: uuid, goal: str, status: { type: "string", enum: [...GOAL_STATUSES] },
      result: { type: "object", properties: { final_output: str, outputs: { type: "array", items: { type: "object", additionalProperties: true } } } },
      steps_completed: { type: "integer" }, steps_failed: { type: "integer" }, steps_skipped: { type: "integer" }, steps_total: { type: "integer" },
      total_time_ms: { type: "integer" }, agents_used: { type: "array", items: str }, nodes_used: { type: "array", items: str },
      failures: { type: "array", items: { type: "object", properties: { key: str, name: str, error: { type: ["string", "null"] }, attempts: { type: "integer" } } } },
    },
  },
  Usage: {
    type: "object",
    properties: { input_tokens: { type: "integer" }, output_tokens: { type: "integer" }, cost_usd: { type: "number" }, model: { type: ["string", "null"] } },
  },
  ProgressResponse: {
    type: "object",
    properties: {
      subtask_uuid: uuid, attempt: { type: "integer" }, progress: { type: ["number", "null"] }, message: { type: ["string", "null"] },
      output_bytes: { type: "integer", description: "bytes of output this attempt streamed so far" },
      dropped_bytes: { type: "integer", description: "bytes cut from the front of the stored output (the store keeps the last 256 KiB)" },
      usage: { $ref: "#/components/schemas/Usage" },
      goal_paused: { type: "boolean", description: "this report's usage passed the goal's budget: the goal is now paused (budget_exceeded)" },
    },
  },
  Error: errorSchema,
};

const securityFor: Record<Auth, Array<Record<string, string[]>>> = {
  public: [],
  agent: [{ agentToken: [] }],
  operator: [{ operatorToken: [] }, {}],
  agent_or_operator: [{ agentToken: [] }, { operatorToken: [] }, {}],
};

function parameters(route: RouteDoc): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const [where, schema] of [["path", route.params], ["query", route.query]] as const) {
    if (!schema) continue;
    const json = jsonSchema(schema) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      out.push({ name, in: where, required: where === "path" || (json.required ?? []).includes(name), schema: property });
    }
  }
  return out;
}

export function buildOpenApiDocument(serverUrl?: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTE_DOCS) {
    const ok = route.produces
      ? { description: "OK", content: { [route.produces]: { schema: { type: "string" } } } }
      : { description: "OK", content: { "application/json": { schema: route.response ? { $ref: `#/components/schemas/${route.response}` } : { type: "object", additionalProperties: true } } } };
    const error = (description: string) => ({ description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } });
    const operation: Record<string, unknown> = {
      operationId: `${route.method}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
      summary: route.summary,
      tags: [route.tag],
      security: securityFor[route.auth],
      parameters: parameters(route),
      responses: {
        [route.method === "post" && /register|decompose|^\/api\/goals$/.test(route.path) ? "201" : "200"]: ok,
        "400": error("Invalid input: the message and `field` name the problem"),
        ...(route.auth === "public" ? {} : { "401": error("Missing or wrong token") }),
        ...(route.auth.startsWith("agent") ? { "403": error("An agent acting for another agent or on a task it does not hold") } : {}),
        ...(route.params ? { "404": error("No such resource") } : {}),
        ...(route.path.includes("complete") || route.path.includes("fail") ? { "409": error("A superseded attempt reports (stale_attempt)") } : {}),
      },
    };
    if (route.method === "post" && route.body) {
      operation.requestBody = {
        required: Boolean(route.body) && route.path.startsWith("/api/orchestration") && !route.path.endsWith("assign"),
        content: { "application/json": { schema: route.body ? jsonSchema(route.body) : { type: "object" } } },
      };
    }
    (paths[route.path] ??= {})[route.method] = operation;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Switchyard API",
      version: "0.1.0",
      description: "Orchestrates a DAG of subtasks across a pool of agents. Errors are always {error: {code, message, field?}}.",
    },
    servers: serverUrl ? [{ url: serverUrl }] : [],
    tags: ["goals", "tasks", "agents", "status", "events", "session"].map((name) => ({ name })),
    paths,
    components: {
      schemas: responses,
      securitySchemes: {
        agentToken: { type: "http", scheme: "bearer", description: "The token from /api/orchestration/register (`<agent_id>.<secret>`)" },
        operatorToken: { type: "http", scheme: "bearer", description: "SWITCHYARD_OPERATOR_TOKEN, when the server has one" },
      },
    },
  };
}
