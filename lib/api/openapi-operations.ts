// What each operation answers when it succeeds, and the errors particular to it. The route
// list, methods, auth, summaries and request schemas come from the route files themselves
// (lib/api/route-table.ts, generated; each handler carries its spec). Keyed by the
// generated OperationKey: a new route without an entry here does not compile, and
// lib/api/openapi.test.ts names it.
import type { z } from "zod";
import * as r from "@/lib/api/schemas/responses";
import { sessionBody } from "@/lib/api/schemas";
import * as wh from "@/lib/api/schemas/webhooks";
import * as mcp from "@/lib/api/schemas/mcp";
import * as ready from "@/lib/api/schemas/ready";
import type { OperationKey } from "@/lib/api/route-table";

export type MediaType = "application/json" | "text/markdown" | "text/plain" | "application/octet-stream";

export interface HeaderDoc {
  description: string;
  schema: Record<string, unknown>;
  required?: boolean;
}

export interface SuccessDoc {
  status: number;
  description: string;
  /** JSON body schema, or a media type whose body is text / bytes. */
  content: Partial<Record<MediaType, z.ZodType | "text" | "binary">>;
  headers?: Record<string, HeaderDoc>;
}

export interface OperationDoc {
  tag: "goals" | "tasks" | "agents" | "status" | "events" | "session" | "webhooks";
  success: SuccessDoc[];
  /** Statuses this operation answers beyond the ones every operation of its kind can (see openapi.ts). */
  errors?: Partial<Record<400 | 401 | 403 | 404 | 409, string>>;
  /** A request body the handler parses itself (not through its spec). */
  requestBody?: { schema: z.ZodType; mediaTypes: string[]; required: boolean };
}

const ok = (schema: z.ZodType, description = "OK", status = 200): SuccessDoc => ({
  status,
  description,
  content: { "application/json": schema },
});
const agentNotFound = { 404: "No such agent (or it unregistered)" };

export const OPERATIONS: Record<OperationKey, OperationDoc> = {
  // Operators step in (issue 10)
  "POST /api/goals/{id}/pause": { tag: "goals", success: [ok(r.pauseGoalResponse)], errors: { 409: "The goal is not pending or running" } },
  "POST /api/goals/{id}/resume": { tag: "goals", success: [ok(r.resumeGoalResponse)], errors: { 409: "The goal is not paused" } },
  "POST /api/agents/{id}/drain": {
    tag: "agents",
    success: [ok(r.agentEnvelope)],
    errors: { 404: "No such agent", 409: "The agent is already drained" },
  },
  "POST /api/agents/{id}/undrain": {
    tag: "agents",
    success: [ok(r.agentEnvelope)],
    errors: { 404: "No such agent", 409: "The agent is not drained" },
  },
  "POST /api/tasks/{id}/approve": {
    tag: "tasks",
    success: [ok(r.approveTaskResponse)],
    errors: { 409: "The task is not awaiting approval (someone decided first, or it was cancelled)" },
  },
  "POST /api/tasks/{id}/reject": {
    tag: "tasks",
    success: [ok(r.rejectTaskResponse)],
    errors: { 409: "The task is not awaiting approval" },
  },
  "POST /api/tasks/{id}/rerun": {
    tag: "tasks",
    success: [ok(r.rerunTaskResponse)],
    errors: { 409: "The task is not finished, or a dependency of it is dead" },
  },
  "POST /api/tasks/bulk": { tag: "tasks", success: [ok(r.bulkTasksResponse)] },
  "GET /api/agents": { tag: "agents", success: [ok(r.agentsResponse)] },
  "GET /api/agents/skills": { tag: "agents", success: [ok(r.skillsResponse)] },
  "GET /api/goals/{id}/timeline": { tag: "goals", success: [ok(r.timelineResponse)] },
  "GET /api/events": { tag: "events", success: [ok(r.eventsResponse)] },
  "GET /api/goals": { tag: "goals", success: [ok(r.goalsResponse)] },
  "POST /api/goals": {
    tag: "goals",
    success: [
      ok(r.decomposeResponse, "Created: the goal and its subtasks", 201),
      ok(r.decomposeResponse, "A dry run: the plan, nothing stored (goal_id null)"),
    ],
  },
  "GET /api/goals/{id}": { tag: "goals", success: [ok(r.goalDetail)] },
  "PATCH /api/goals/{id}": { tag: "goals", success: [ok(r.goalDetail)] },
  "POST /api/goals/{id}/cancel": { tag: "goals", success: [ok(r.goalEnvelope)], errors: { 409: "The goal already finished" } },
  "GET /api/goals/{id}/plan.md": {
    tag: "goals",
    success: [
      {
        status: 200,
        description: "The master plan",
        content: { "text/markdown": "text" },
        headers: { "content-disposition": { description: "inline; filename=plan-<id>.md", schema: { type: "string" } } },
      },
    ],
  },
  "GET /api/goals/{id}/result": { tag: "goals", success: [ok(r.workflowResult)] },
  "GET /api/health": { tag: "status", success: [ok(r.healthResponse)] },
  "GET /api/metrics": {
    tag: "status",
    success: [{ status: 200, description: "Prometheus text exposition format", content: { "text/plain": "text" } }],
  },
  "GET /api/metrics/agents": { tag: "status", success: [ok(r.agentThroughputResponse)] },
  "GET /api/metrics/throughput": { tag: "status", success: [ok(r.throughputResponse)] },
  "GET /api/openapi.json": { tag: "status", success: [ok(r.openApiResponse, "This document")] },
  "POST /api/orchestration/assign": {
    tag: "tasks",
    success: [ok(r.assignResponse)],
    errors: { ...agentNotFound, 401: "Missing or wrong agent token (with agent_id) or operator token (without)" },
  },
  "POST /api/orchestration/complete": {
    tag: "tasks",
    success: [ok(r.completeResponse)],
    errors: {
      404: "No such subtask",
      409: "The attempt is not the task's current running one (stale_attempt), or the task is not running",
    },
  },
  "POST /api/orchestration/complete-batch": {
    tag: "tasks",
    success: [ok(r.completeBatchResponse, "One result per item, in request order (refused items carry their own status)")],
  },
  "POST /api/orchestration/decompose": {
    tag: "goals",
    success: [
      ok(r.decomposeResponse, "Created: the goal and its subtasks", 201),
      ok(r.decomposeResponse, "A dry run: the plan, nothing stored (goal_id null)"),
    ],
  },
  "POST /api/orchestration/fail": {
    tag: "tasks",
    success: [ok(r.failResponse)],
    errors: {
      404: "No such subtask",
      409: "The attempt is not the task's current running one (stale_attempt), or the task is not running",
    },
  },
  "POST /api/orchestration/heartbeat": { tag: "agents", success: [ok(r.heartbeatResponse)], errors: agentNotFound },
  "POST /api/orchestration/progress": {
    tag: "tasks",
    success: [ok(r.progressResponse)],
    errors: {
      404: "No such subtask",
      409: "The attempt is not the task's current running one (stale_attempt), or the task is not running",
    },
  },
  "POST /api/orchestration/register": {
    tag: "agents",
    success: [ok(r.registerResponse, "Registered", 201)],
    errors: { 401: "The server has a registration token and the request does not carry it (or the operator token)" },
  },
  "GET /api/orchestration/status": { tag: "status", success: [ok(r.statusResponse)] },
  "GET /api/orchestration/tensor": {
    tag: "status",
    success: [
      {
        status: 200,
        description: "format=dense or sparse: JSON; format=binary: row-major little-endian float32, index ((i × cols) + j) × 4 + level",
        content: { "application/json": r.tensorResponse, "application/octet-stream": "binary" },
        headers: {
          "x-tensor-shape": {
            description: "format=binary: the shape as `n_tasks,n_agents,4`",
            schema: { type: "string", pattern: "^\\d+,\\d+,4$" },
          },
          "x-tensor-dtype": { description: "format=binary: `float32-le`", schema: { type: "string", enum: ["float32-le"] } },
        },
      },
    ],
    errors: { 404: "No such goal (goal_id)" },
  },
  "GET /api/orchestration/tensor/labels": {
    tag: "status",
    success: [ok(r.tensorLabelsResponse)],
    errors: { 404: "No such goal (goal_id)" },
  },
  "POST /api/orchestration/unregister": {
    tag: "agents",
    success: [ok(r.unregisterResponse, "Unregistered; its running tasks went back to the pool")],
    errors: agentNotFound,
  },
  "GET /api/session": { tag: "session", success: [ok(r.sessionResponse)] },
  "POST /api/session": {
    tag: "session",
    success: [
      {
        ...ok(r.sessionResponse, "Signed in (JSON): the httpOnly cookie is set"),
        headers: { "set-cookie": { description: "The operator session cookie", schema: { type: "string" } } },
      },
      {
        status: 303,
        description: "The sign-in form: back to the page it came from, or to /sign-in with an error",
        content: {},
        headers: { location: { description: "Where to go", schema: { type: "string" }, required: true } },
      },
    ],
    errors: { 401: "Wrong operator token" },
    requestBody: { schema: sessionBody, mediaTypes: ["application/json", "application/x-www-form-urlencoded"], required: true },
  },
  "DELETE /api/session": {
    tag: "session",
    success: [
      {
        ...ok(r.sessionResponse, "Signed out: the cookie is cleared"),
        headers: { "set-cookie": { description: "Clears the cookie", schema: { type: "string" } } },
      },
    ],
  },
  "GET /api/tasks/{id}": { tag: "tasks", success: [ok(r.subtaskDetail)] },
  "GET /api/tasks/{id}/output": {
    tag: "tasks",
    success: [
      {
        status: 200,
        description:
          'An attempt\'s stored output as plain text (the latest attempt by default): its last 256 KiB, after a line "… n bytes dropped" when the front was cut',
        content: { "text/plain": "text" },
        headers: {
          "x-attempt": {
            description: "The attempt whose output this is (0: none yet)",
            schema: { type: "integer", minimum: 0 },
            required: true,
          },
          "x-output-bytes": {
            description: "Bytes of output the attempt streamed in all",
            schema: { type: "integer", minimum: 0 },
            required: true,
          },
          "x-dropped-bytes": { description: "Bytes cut from the front", schema: { type: "integer", minimum: 0 }, required: true },
        },
      },
    ],
  },
  "POST /api/tasks/{id}/cancel": { tag: "tasks", success: [ok(r.cancelTaskResponse)], errors: { 409: "The task is not open" } },
  "POST /api/tasks/{id}/reassign": {
    tag: "tasks",
    success: [ok(r.reassignResponse)],
    errors: {
      404: "No such task, or no such agent (agent_id)",
      409: "The task cannot be reassigned now, or the agent is offline, lacks a skill or already runs it",
    },
  },
  "POST /api/tasks/{id}/retry": {
    tag: "tasks",
    success: [ok(r.retryResponse)],
    errors: { 409: "The task is not failed, cancelled or skipped, or a dependency of it is dead" },
  },
  // Issue 11: signed webhooks (what they receive is under the document's `webhooks`).
  "GET /api/webhooks": { tag: "webhooks", success: [ok(wh.webhooksResponse)] },
  "POST /api/webhooks": { tag: "webhooks", success: [ok(wh.createdWebhook, "Registered: the signing secret is shown only here", 201)] },
  "GET /api/webhooks/{id}": { tag: "webhooks", success: [ok(wh.webhookView)] },
  "DELETE /api/webhooks/{id}": { tag: "webhooks", success: [ok(wh.webhookDeletedResponse, "Removed, with its queued deliveries")] },
  "POST /api/webhooks/{id}/test": {
    tag: "webhooks",
    success: [ok(wh.webhookTestResponse, "A signed test delivery (type webhook.test) is queued", 202)],
  },
  "GET /api/webhooks/{id}/deliveries": { tag: "webhooks", success: [ok(wh.webhookDeliveriesResponse, "The delivery log, newest first")] },
  // --- issue 13 (agents anywhere): readiness and MCP over HTTP ---
  "GET /api/ready": {
    tag: "status",
    success: [
      ok(ready.readyResponse, "Ready: the database answers and every migration is applied"),
      {
        status: 503,
        description: "Not ready: the database is unreachable or migrations are pending (Retry-After)",
        content: { "application/json": ready.notReadyResponse },
      },
    ],
  },
  "POST /api/mcp": {
    tag: "agents",
    success: [
      ok(mcp.mcpAnswer, "The JSON-RPC answer (202 without a body for a notification)"),
      { status: 202, description: "A notification was accepted", content: {} },
    ],
  },
};
