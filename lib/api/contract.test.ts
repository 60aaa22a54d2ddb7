// The contract: every operation of the API is called in-process (real handlers, zod, auth
// and PostgreSQL), in success and error cases, and each real answer — status, content type,
// documented headers and the JSON body — is checked against the OpenAPI document with ajv
// (draft 2020-12). A status the document does not list for an operation fails, and so
// does an operation no case here calls: a new route needs its cases below.
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOpenApiDocument, operations } from "@/lib/api/openapi";
import type { OperationKey } from "@/lib/api/route-table";
import { ROUTE_TABLE } from "@/lib/api/route-table";
import { resetAgentBuckets } from "@/lib/auth/rate-limit";
import { resetEnv } from "@/lib/env";
import { call, type CallOptions } from "@/lib/testing/http";

const OPERATOR = "contract-operator-token-0123456789";
process.env.SWITCHYARD_OPERATOR_TOKEN = OPERATOR;
process.env.MAX_BODY_BYTES = "65536";
process.env.AGENT_RATE_LIMIT_PER_S = "1";
process.env.AGENT_RATE_LIMIT_BURST = "200";
resetEnv();

type Doc = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { headers?: Record<string, { required?: boolean }>; content?: Record<string, unknown> }> }>
  >;
};
const doc = buildOpenApiDocument() as unknown as Doc;
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
ajv.addSchema(doc as object, "openapi");
const validators = new Map<string, ValidateFunction>();
const pointer = (...parts: string[]) => parts.map((p) => encodeURIComponent(p.replace(/~/g, "~0").replace(/\//g, "~1"))).join("/");

type Handler = (req: Request, ctx?: { params?: Promise<Record<string, string>> }) => Promise<Response>;
function handlerOf(key: OperationKey): Handler {
  const [method, path] = key.split(" ") as [string, string];
  const route = ROUTE_TABLE.find((r) => r.path === path)!;
  return (route.module as unknown as Record<string, Handler>)[method]!;
}

/** Answers seen, per operation: `200`, `404`, … */
const seen = new Map<OperationKey, Set<number>>();

/** Calls one operation and checks its answer against the document; returns it for the scenario to go on with. */
async function api(key: OperationKey, options: CallOptions & { url?: string } = {}) {
  const [method, template] = key.split(" ") as [string, string];
  const url = options.url ?? template.replace(/\{(\w+)\}/g, (_, name: string) => options.params?.[name] ?? "x");
  const res = await call(handlerOf(key), method, url, options);
  const documented = doc.paths[template]![method.toLowerCase()]!.responses;
  const entry = documented[String(res.status)];
  const body = res.body instanceof ArrayBuffer ? `<${res.body.byteLength} bytes>` : JSON.stringify(res.body).slice(0, 300);
  expect(
    entry,
    `${key} answered ${res.status}, which the document does not list (it lists ${Object.keys(documented).join(", ")}): ${body}`,
  ).toBeDefined();
  for (const [name, header] of Object.entries(entry!.headers ?? {})) {
    if (header.required) expect(res.headers.get(name), `${key} ${res.status}: header ${name}`).not.toBeNull();
  }
  if ((res.status === 429 || res.status === 503) && entry!.headers?.["retry-after"])
    expect(res.headers.get("retry-after"), `${key} ${res.status}: Retry-After`).toMatch(/^\d+$/);
  const mediaType = (res.headers.get("content-type") ?? "").split(";")[0]!.trim();
  if (entry!.content && Object.keys(entry!.content).length > 0) {
    expect(Object.keys(entry!.content), `${key} ${res.status}: content type ${mediaType}`).toContain(mediaType);
    if (mediaType === "application/json") {
      const id = `${key} ${res.status}`;
      if (!validators.has(id)) {
        validators.set(
          id,
          ajv.compile({
            $ref: `openapi#/${pointer("paths", template, method.toLowerCase(), "responses", String(res.status), "content", "application/json", "schema")}`,
          }),
        );
      }
      const validate = validators.get(id)!;
      const valid = validate(res.body);
      expect(
        valid,
        `${key} ${res.status} body does not match the document: ${ajv.errorsText(validate.errors, { separator: "\n  " })}\n  body: ${body}`,
      ).toBe(true);
    }
  }
  (seen.get(key as OperationKey) ?? seen.set(key as OperationKey, new Set()).get(key as OperationKey)!).add(res.status);
  return res;
}

const op = { token: OPERATOR };
const plan = (keys: string[], skills: string[] = ["x"], maxAttempts = 1) => ({
  tasks: keys.map((key, i) => ({
    key,
    name: `task ${key}`,
    required_skills: skills,
    max_attempts: maxAttempts,
    depends_on: i === 0 ? [] : [keys[i - 1]!],
  })),
});
const NOBODY = "99999999-9999-4999-8999-999999999999";

beforeAll(() => resetAgentBuckets());
afterAll(() => {
  process.env.AGENT_RATE_LIMIT_PER_S = undefined;
  resetEnv();
});

describe("every operation answers what the OpenAPI document says", () => {
  it("public, session and document operations", async () => {
    await api("GET /api/health");
    await api("GET /api/openapi.json");
    await api("GET /api/session");
    await api("POST /api/session", { body: { token: "wrong-token-wrong-token" } });
    await api("POST /api/session", { body: { token: 5 } });
    await api("POST /api/session", { body: { token: OPERATOR } });
    await api("POST /api/session", {
      rawBody: `token=${OPERATOR}&next=/goals`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    await api("DELETE /api/session");
  });

  it("the whole life of a goal: agents, tasks, operator actions, reads", { timeout: 120_000 }, async () => {
    // Agents.
    const a = (await api("POST /api/orchestration/register", { body: { skills: ["x"], name: "contract-a" } })).body;
    const b = (await api("POST /api/orchestration/register", { body: { skills: ["x"], name: "contract-b", capacity: 2 } })).body;
    await api("POST /api/orchestration/register", { body: { skills: "x" } });
    await api("POST /api/orchestration/heartbeat", { token: a.token, body: { agent_id: a.agent_id } });
    await api("POST /api/orchestration/heartbeat", { body: { agent_id: a.agent_id } });
    await api("POST /api/orchestration/heartbeat", { token: a.token, body: { agent_id: b.agent_id } });
    await api("POST /api/orchestration/heartbeat", { token: a.token, body: { agent_id: "nope" } });
    await api("GET /api/agents", op);
    await api("GET /api/agents");

    // Goals.
    const created = (
      await api("POST /api/orchestration/decompose", { ...op, body: { goal: "contract goal", plan: plan(["a", "b", "c"]) } })
    ).body;
    await api("POST /api/orchestration/decompose", { ...op, body: { goal: "dry", plan: plan(["a"]), dry_run: true } });
    await api("POST /api/orchestration/decompose", {
      ...op,
      body: { goal: "cycle", plan: { tasks: [{ key: "a", name: "a", depends_on: ["a"] }] } },
    });
    await api("POST /api/orchestration/decompose", { ...op, rawBody: "{not json", headers: { "content-type": "application/json" } });
    await api("POST /api/orchestration/decompose", {
      ...op,
      rawBody: JSON.stringify({ goal: "as text" }),
      headers: { "content-type": "text/plain" },
    });
    await api("POST /api/orchestration/decompose", { ...op, body: { goal: "x".repeat(70_000) } });
    await api("POST /api/orchestration/decompose", { body: { goal: "no token" } });
    const second = (await api("POST /api/goals", { ...op, body: { goal: "second goal", plan: plan(["p", "q"], ["y"]) } })).body;
    await api("POST /api/goals", { ...op, body: { goal: "dry", dry_run: true } });
    await api("POST /api/goals", { ...op, body: { goal: "" } });
    const goalId = created.goal_id as string;
    const [ta, tb, tc] = created.subtasks.map((s: { uuid: string }) => s.uuid) as [string, string, string];

    // Pull, complete, fail.
    const pulled = (await api("POST /api/orchestration/assign", { token: a.token, body: { agent_id: a.agent_id, max: 1 } })).body;
    expect(pulled.assignments).toHaveLength(1);
    await api("POST /api/orchestration/assign", { body: { agent_id: a.agent_id } });
    await api("POST /api/orchestration/assign", { token: a.token, body: { agent_id: b.agent_id } });
    await api("POST /api/orchestration/assign", { token: a.token, body: { max: 0 } });
    const first = pulled.assignments[0] as { subtask_uuid: string; attempt: number };
    await api("POST /api/orchestration/complete", {
      token: b.token,
      body: { subtask_uuid: first.subtask_uuid, attempt: first.attempt, result: "r" },
    });
    await api("POST /api/orchestration/complete", {
      token: a.token,
      body: { subtask_uuid: first.subtask_uuid, attempt: first.attempt + 1, result: "r" },
    });
    await api("POST /api/orchestration/complete", { token: a.token, body: { subtask_uuid: NOBODY, attempt: 1, result: "r" } });
    await api("POST /api/orchestration/complete", {
      token: a.token,
      body: { subtask_uuid: first.subtask_uuid, attempt: first.attempt, result: { structured: true } },
    });
    await api("POST /api/orchestration/complete", { token: a.token, body: { subtask_uuid: first.subtask_uuid } });
    const next = (await api("POST /api/orchestration/assign", { token: a.token, body: { agent_id: a.agent_id } })).body.assignments[0] as {
      subtask_uuid: string;
      attempt: number;
    };
    expect(next.subtask_uuid).toBe(tb);
    await api("POST /api/orchestration/progress", {
      token: a.token,
      body: {
        subtask_uuid: tb,
        attempt: next.attempt,
        progress: 0.5,
        message: "half",
        output: "line\n",
        usage: { input_tokens: 10, cost_usd: 0.01 },
      },
    });
    await api("POST /api/orchestration/progress", { token: a.token, body: { subtask_uuid: tb, attempt: next.attempt + 3, progress: 0.6 } });
    await api("POST /api/orchestration/progress", { token: a.token, body: { subtask_uuid: tb, progress: 2 } });
    await api("GET /api/tasks/{id}/output", { ...op, params: { id: tb } });
    await api("GET /api/tasks/{id}/output", { ...op, params: { id: tb }, query: { attempt: "0" } });
    await api("GET /api/tasks/{id}/output", { ...op, params: { id: NOBODY } });
    await api("POST /api/orchestration/fail", { token: a.token, body: { subtask_uuid: tb, attempt: next.attempt + 5, error: "late" } });
    await api("POST /api/orchestration/fail", { token: a.token, body: { subtask_uuid: NOBODY, attempt: 1, error: "?" } });
    await api("POST /api/orchestration/fail", { token: a.token, body: { subtask_uuid: tb, attempt: next.attempt } });
    await api("POST /api/orchestration/fail", { token: a.token, body: { subtask_uuid: tb, attempt: next.attempt, error: "broke" } });
    await api("POST /api/orchestration/complete-batch", {
      token: a.token,
      body: {
        completions: [
          { subtask_uuid: NOBODY, attempt: 1, result: "r" },
          { subtask_uuid: ta, attempt: 1, result: "r" },
        ],
      },
    });
    await api("POST /api/orchestration/complete-batch", { token: a.token, body: { completions: [] } });
    await api("POST /api/orchestration/complete-batch", { body: { completions: [{ subtask_uuid: ta, attempt: 1, result: "r" }] } });

    // Reads.
    await api("GET /api/goals", op);
    await api("GET /api/goals", { ...op, query: { status: "sleeping" } });
    await api("GET /api/goals", { ...op, query: { status: "running", limit: "5" } });
    await api("GET /api/goals/{id}", { ...op, params: { id: goalId } });
    await api("GET /api/goals/{id}", { ...op, params: { id: NOBODY } });
    await api("GET /api/goals/{id}", { ...op, params: { id: "not-a-uuid" } });
    await api("PATCH /api/goals/{id}", { ...op, params: { id: goalId }, body: { budget: { max_cost_usd: 5 } } });
    await api("PATCH /api/goals/{id}", { ...op, params: { id: goalId }, body: { budget: { max_cost_usd: -5 } } });
    await api("PATCH /api/goals/{id}", { ...op, params: { id: NOBODY }, body: { budget: { max_tokens: 5 } } });
    await api("GET /api/goals/{id}/result", { ...op, params: { id: goalId } });
    await api("GET /api/goals/{id}/result", { ...op, params: { id: NOBODY } });
    await api("GET /api/goals/{id}/plan.md", { ...op, params: { id: goalId } });
    await api("GET /api/goals/{id}/plan.md", { ...op, params: { id: NOBODY } });
    await api("GET /api/goals/{id}/timeline", { ...op, params: { id: goalId } });
    await api("GET /api/goals/{id}/timeline", { ...op, params: { id: NOBODY } });
    await api("GET /api/agents/skills", op);
    await api("GET /api/agents/skills");
    await api("GET /api/tasks/{id}", { ...op, params: { id: tb } });
    await api("GET /api/tasks/{id}", { ...op, params: { id: NOBODY } });
    await api("GET /api/tasks/{id}", { params: { id: tb } });
    await api("GET /api/orchestration/status", op);
    await api("GET /api/orchestration/status");
    for (const format of ["dense", "sparse", "binary"]) await api("GET /api/orchestration/tensor", { ...op, query: { format } });
    await api("GET /api/orchestration/tensor", { ...op, query: { format: "dense", goal_id: goalId } });
    await api("GET /api/orchestration/tensor", { ...op, query: { goal_id: NOBODY } });
    await api("GET /api/orchestration/tensor", { ...op, query: { format: "xml" } });
    await api("GET /api/orchestration/tensor/labels", op);
    await api("GET /api/orchestration/tensor/labels", { ...op, query: { goal_id: NOBODY } });
    await api("GET /api/orchestration/tensor/labels", { ...op, query: { goal_id: "x" } });
    await api("GET /api/metrics", op);
    await api("GET /api/metrics");
    await api("GET /api/metrics/throughput", { ...op, query: { minutes: "5" } });
    await api("GET /api/metrics/throughput", { ...op, query: { minutes: "0" } });
    await api("GET /api/metrics/agents", { ...op, query: { minutes: "5" } });
    await api("GET /api/metrics/agents", { ...op, query: { extra: "1" } });
    await api("GET /api/events", { ...op, query: { after: "0", limit: "5000" } });
    await api("GET /api/events", { ...op, query: { goal_id: goalId } });
    await api("GET /api/events", { ...op, query: { after: "-1" } });

    // Operator actions.
    await api("POST /api/tasks/{id}/retry", { ...op, params: { id: tb } });
    await api("POST /api/tasks/{id}/retry", { ...op, params: { id: ta } });
    await api("POST /api/tasks/{id}/retry", { ...op, params: { id: NOBODY } });
    await api("POST /api/tasks/{id}/reassign", { ...op, params: { id: tb }, body: { agent_id: b.agent_id } });
    await api("POST /api/tasks/{id}/reassign", { ...op, params: { id: tb }, body: { agent_id: b.agent_id } });
    await api("POST /api/tasks/{id}/reassign", { ...op, params: { id: tb }, body: { agent_id: NOBODY } });
    await api("POST /api/tasks/{id}/reassign", { ...op, params: { id: tb }, body: {} });
    await api("POST /api/tasks/{id}/cancel", { ...op, params: { id: tb } });
    await api("POST /api/tasks/{id}/cancel", { ...op, params: { id: tc } });
    await api("POST /api/tasks/{id}/cancel", { ...op, params: { id: NOBODY } });
    await api("POST /api/goals/{id}/cancel", { ...op, params: { id: second.goal_id } });
    await api("POST /api/goals/{id}/cancel", { ...op, params: { id: second.goal_id } });
    await api("POST /api/goals/{id}/cancel", { ...op, params: { id: NOBODY } });
    await api("POST /api/goals/{id}/cancel", { params: { id: second.goal_id } });

    // Operators step in (issue 10): pause/resume, drain, approval gates, re-run, bulk, search.
    const c = (await api("POST /api/orchestration/register", { body: { skills: ["gate"], capacity: 4, name: "contract-c" } })).body as {
      agent_id: string;
      token: string;
    };
    const gated = (
      await api("POST /api/goals", {
        ...op,
        body: {
          goal: "gated contract",
          plan: {
            tasks: [
              { key: "g", name: "gated", required_skills: ["gate"], approval: true },
              { key: "h", name: "after", required_skills: ["gate"], depends_on: ["g"] },
            ],
          },
        },
      })
    ).body;
    const [tg, th] = gated.subtasks.map((s: { uuid: string }) => s.uuid) as [string, string];
    await api("POST /api/goals/{id}/pause", { ...op, params: { id: gated.goal_id } });
    await api("POST /api/goals/{id}/pause", { ...op, params: { id: gated.goal_id } });
    await api("POST /api/goals/{id}/resume", { ...op, params: { id: gated.goal_id } });
    await api("POST /api/goals/{id}/resume", { ...op, params: { id: gated.goal_id } });
    await api("POST /api/agents/{id}/drain", { ...op, params: { id: c.agent_id } });
    await api("POST /api/agents/{id}/drain", { ...op, params: { id: NOBODY } });
    await api("POST /api/agents/{id}/undrain", { ...op, params: { id: c.agent_id } });
    await api("POST /api/agents/{id}/undrain", { ...op, params: { id: c.agent_id } });
    await api("POST /api/orchestration/assign", { token: c.token, body: { agent_id: c.agent_id } });
    await api("POST /api/orchestration/complete", { token: c.token, body: { subtask_uuid: tg, result: "draft" } });
    await api("POST /api/tasks/{id}/reject", { ...op, params: { id: tg }, body: { feedback: "again" } });
    await api("POST /api/tasks/{id}/reject", { ...op, params: { id: tg }, body: { feedback: "again" } });
    await api("POST /api/tasks/{id}/reject", { ...op, params: { id: tg }, body: {} });
    const retried = (await api("POST /api/orchestration/assign", { token: c.token, body: { agent_id: c.agent_id } })).body.assignments[0];
    expect(retried).toMatchObject({ feedback: "again", previous_attempt: { outcome: "rejected", result: "draft" } });
    await api("POST /api/orchestration/complete", { token: c.token, body: { subtask_uuid: tg, result: "draft 2" } });
    await api("POST /api/tasks/{id}/approve", { ...op, params: { id: tg }, body: { result: "edited" } });
    await api("POST /api/tasks/{id}/approve", { ...op, params: { id: tg }, body: {} });
    await api("POST /api/tasks/{id}/rerun", { ...op, params: { id: tg }, body: { description: "again, better" } });
    await api("POST /api/tasks/{id}/rerun", { ...op, params: { id: th }, body: {} });
    await api("POST /api/tasks/{id}/rerun", { ...op, params: { id: NOBODY }, body: {} });
    await api("POST /api/tasks/bulk", { ...op, body: { action: "cancel", filter: { goal_id: gated.goal_id }, dry_run: true } });
    await api("POST /api/tasks/bulk", { ...op, body: { action: "cancel", filter: { goal_id: gated.goal_id } } });
    await api("POST /api/tasks/bulk", { ...op, body: { action: "reassign", filter: { goal_id: gated.goal_id } } });
    const page = (await api("GET /api/goals", { ...op, query: { q: "contract", limit: "1" } })).body as { next_cursor: string | null };
    expect(page.next_cursor).not.toBeNull();
    await api("GET /api/goals", { ...op, query: { q: "contract", cursor: page.next_cursor! } });
    await api("GET /api/goals", { ...op, query: { cursor: "not-a-cursor" } });

    // Pace: past its burst an agent gets 429 with Retry-After.
    let status = 200;
    for (let i = 0; i < 400 && status !== 429; i++)
      status = (await api("POST /api/orchestration/heartbeat", { token: b.token, body: { agent_id: b.agent_id } })).status;
    expect(status).toBe(429);
    resetAgentBuckets();

    // Leaving.
    await api("POST /api/orchestration/unregister", { token: a.token, body: { agent_id: b.agent_id } });
    await api("POST /api/orchestration/unregister", { token: a.token, body: { agent_id: a.agent_id } });
    await api("POST /api/orchestration/unregister", { token: a.token, body: { agent_id: a.agent_id } });
  });

  it("webhooks: register, list, read, send a test, the delivery log, delete; and a spawn, a planner and an aggregation", async () => {
    const hook = (
      await api("POST /api/webhooks", { ...op, body: { url: "https://example.com/contract", events: ["goal.finished", "task.failed"] } })
    ).body;
    await api("POST /api/webhooks", { ...op, body: { url: "ftp://example.com/x", events: ["goal.finished"] } });
    await api("POST /api/webhooks", { body: { url: "https://example.com/x", events: ["goal.finished"] } });
    await api("GET /api/webhooks", op);
    await api("GET /api/webhooks");
    await api("GET /api/webhooks/{id}", { ...op, params: { id: hook.id } });
    await api("GET /api/webhooks/{id}", { ...op, params: { id: NOBODY } });
    await api("POST /api/webhooks/{id}/test", { ...op, params: { id: hook.id } });
    await api("POST /api/webhooks/{id}/test", { ...op, params: { id: NOBODY } });
    await api("GET /api/webhooks/{id}/deliveries", { ...op, params: { id: hook.id } });
    await api("GET /api/webhooks/{id}/deliveries", { ...op, params: { id: hook.id }, query: { status: "lost" } });
    await api("GET /api/webhooks/{id}/deliveries", { ...op, params: { id: NOBODY } });

    // A spawn, planner "agent" and aggregation "json_merge" in the goal, task and result shapes.
    const planner = (await api("POST /api/orchestration/register", { body: { skills: ["planning", "z"], name: "contract-planner" } })).body;
    const goal = (
      await api("POST /api/orchestration/decompose", { ...op, body: { goal: "planned", planner: "agent", aggregation: "json_merge" } })
    ).body;
    await api("POST /api/orchestration/decompose", { ...op, body: { goal: "planned", planner: "agent", plan: plan(["a"]) } });
    const [task] = (await api("POST /api/orchestration/assign", { token: planner.token, body: { agent_id: planner.agent_id } })).body
      .assignments as Array<{ subtask_uuid: string }>;
    await api("POST /api/orchestration/complete", {
      token: planner.token,
      body: { subtask_uuid: task!.subtask_uuid, result: "{}", spawn: { tasks: [{ key: "a", name: "a", depends_on: ["a"] }] } },
    });
    await api("POST /api/orchestration/complete", {
      token: planner.token,
      body: { subtask_uuid: task!.subtask_uuid, result: "{}", spawn: { tasks: [{ key: "s", name: "spawned", required_skills: ["z"] }] } },
    });
    const [spawned] = (await api("POST /api/orchestration/assign", { token: planner.token, body: { agent_id: planner.agent_id } })).body
      .assignments as Array<{ subtask_uuid: string }>;
    await api("POST /api/orchestration/complete", {
      token: planner.token,
      body: { subtask_uuid: spawned!.subtask_uuid, result: "not json" },
    });
    await api("GET /api/goals/{id}", { ...op, params: { id: goal.goal_id } });
    const result = (await api("GET /api/goals/{id}/result", { ...op, params: { id: goal.goal_id } })).body;
    expect(result.result.error).toContain("not JSON");

    await api("DELETE /api/webhooks/{id}", { ...op, params: { id: hook.id } });
    await api("DELETE /api/webhooks/{id}", { ...op, params: { id: hook.id } });
  });

  it("readiness and MCP over HTTP (issue 13)", async () => {
    expect((await api("GET /api/ready")).body.status).toBe("ready");
    const mcpHeaders = { accept: "application/json, text/event-stream" };
    const listed = await api("POST /api/mcp", { headers: mcpHeaders, body: { jsonrpc: "2.0", id: 1, method: "tools/list" } });
    expect(listed.status).toBe(200);
    expect(listed.body.result.tools.map((t: { name: string }) => t.name)).toContain("assign_tasks");
    expect((await api("POST /api/mcp", { headers: mcpHeaders, body: { jsonrpc: "1.0", id: 1, method: "tools/list" } })).status).toBe(400);
  });

  it("every operation was called, with a success and with an error", () => {
    const problems: string[] = [];
    for (const o of operations()) {
      const statuses = [...(seen.get(o.key) ?? [])];
      if (!statuses.some((s) => s < 400)) problems.push(`${o.key}: no successful call in lib/api/contract.test.ts`);
      const publicWithoutInput = o.auth === "public" && !o.spec.body && !o.spec.query && !o.spec.params && !o.doc.requestBody;
      if (!publicWithoutInput && !statuses.some((s) => s >= 400)) problems.push(`${o.key}: no error case in lib/api/contract.test.ts`);
    }
    expect(problems).toEqual([]);
  });
});
