// A corpus of hostile and malformed requests against every route of the API, in-process.
// Each must be refused with a 4xx and the one error shape, and the database (every table,
// every row) must be exactly the same afterwards: nothing is written when a request is refused.
import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnv } from "@/lib/env";
import { resetAgentBuckets } from "@/lib/auth/rate-limit";
import { LIMITS } from "@/lib/api/schemas";
import { call } from "@/lib/testing/http";
import { snapshotTables } from "@/lib/testing/database";

const OPERATOR_TOKEN = "corpus-operator-token-0123456789";
process.env.SWITCHYARD_OPERATOR_TOKEN = OPERATOR_TOKEN;
process.env.AGENT_RATE_LIMIT_PER_S = "0"; // the corpus is about input, not pace (rate limits have their own test)
resetEnv();

type Handler = (req: Request, ctx?: { params?: Promise<Record<string, string>> }) => Promise<Response>;
type RouteModule = Partial<Record<"GET" | "POST" | "PUT" | "PATCH" | "DELETE", Handler>>;

/** Every `app/api/**\/route.ts`, found on disk so that routes added later are covered too. */
async function discoverRoutes(): Promise<Map<string, RouteModule>> {
  const root = path.resolve(import.meta.dirname, "../../app/api");
  const found = new Map<string, RouteModule>();
  const walk = async (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.name === "route.ts") {
        const route = "/api/" + path.relative(root, dir).split(path.sep).join("/");
        found.set(route.replace(/\[(\w+)\]/g, ":$1"), (await import(full)) as RouteModule);
      }
    }
  };
  await walk(root);
  return found;
}

/** Routes that answer without any token by design (everything else needs the operator or an agent). */
const PUBLIC = new Set([
  "GET /api/health",
  "GET /api/openapi.json",
  "POST /api/orchestration/register",
  "GET /api/session",
  "POST /api/session",
  "DELETE /api/session",
  // issue 13: readiness, and MCP over HTTP (its tools carry the caller's token to the REST API)
  "GET /api/ready",
  "POST /api/mcp",
]);

const snapshot = () => snapshotTables();

interface Case {
  name: string;
  route: string;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
  /** A body stream without content-length (chunked). */
  stream?: Uint8Array;
  token?: string;
  headers?: Record<string, string>;
  /** The error must name this field (prefix match). */
  field?: string;
  status?: number;
}

const OP = { token: OPERATOR_TOKEN };
const HUGE = "x".repeat(LIMITS.contextChars * 10 + 1);
const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE agents; --",
  "1; SELECT pg_sleep(10)",
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "{{7*7}}",
  "${process.exit()}",
  "../../etc/passwd",
];
const NOT_UUIDS = [
  "",
  "not-a-uuid",
  "00000000-0000-0000-0000-00000000000g",
  "12345",
  ...INJECTIONS.slice(0, 4),
  "e3b0c442-98fc-1c14-9afb-f4c8996fb924-extra",
];
const UNKNOWN_UUID = "7f1d3a52-9c1e-4b0a-8f7e-2d9c6b1a0e4f";

const wrongTypes = (except: "string" | "number" | "array" | "object" | "boolean") =>
  (
    [
      ["string", "a string"],
      ["number", 42],
      ["array", ["x"]],
      ["object", { a: 1 }],
      ["boolean", true],
      ["null", null],
    ] as const
  )
    .filter(([t]) => t !== except)
    .map(([, v]) => v);

function bodyCases(
  route: string,
  valid: Record<string, unknown>,
  required: string[],
  fields: Record<string, unknown[]>,
  extra: Partial<Case> = {},
): Case[] {
  const base = { route, method: "POST" as const, ...extra };
  const cases: Case[] = [];
  for (const f of required) {
    const body = { ...valid };
    delete body[f];
    cases.push({ ...base, name: `missing ${f}`, body, field: f });
  }
  for (const [f, values] of Object.entries(fields)) {
    values.forEach((v, i) =>
      cases.push({ ...base, name: `bad ${f} #${i} (${JSON.stringify(v)?.slice(0, 40)})`, body: { ...valid, [f]: v }, field: f }),
    );
  }
  cases.push({ ...base, name: "extra field", body: { ...valid, is_admin: true }, field: "is_admin" });
  cases.push({
    ...base,
    name: "__proto__ field",
    rawBody: JSON.stringify(valid).replace(/^\{/, '{"__proto__":{"admin":true},'),
    field: "__proto__",
  });
  cases.push({ ...base, name: "constructor field", body: { ...valid, constructor: { prototype: {} } }, field: "constructor" });
  for (const raw of ["{", '{"a":}', "{'a': 1}", '{"a": 1,}', "nul", "[1, 2", "\u0000", '{"a": NaN}', '{"a": undefined}']) {
    cases.push({ ...base, name: `malformed JSON ${JSON.stringify(raw)}`, rawBody: raw, field: "body" });
  }
  for (const raw of ["[]", '"text"', "42", "null", "true", JSON.stringify([valid])]) {
    cases.push({ ...base, name: `body is ${raw.slice(0, 20)}`, rawBody: raw, field: "body" });
  }
  cases.push({ ...base, name: "byte-order mark before an empty object", rawBody: "\ufeff{}" });
  // trust (issue 14): what a page on another site can send without a preflight is not JSON.
  for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
    if (route === "/api/session" && type.startsWith("application/x-www-form-urlencoded")) continue; // the sign-in page's form
    cases.push({
      ...base,
      name: `content-type ${type}`,
      rawBody: JSON.stringify(valid),
      headers: { ...(extra.headers ?? {}), "content-type": type },
      status: 415,
      field: "content-type",
    });
  }
  cases.push({
    ...base,
    name: "body over the limit (content-length)",
    rawBody: JSON.stringify({ ...valid, pad: HUGE.repeat(5) }),
    status: 413,
  });
  cases.push({
    ...base,
    name: "body over the limit (chunked, no content-length)",
    stream: new TextEncoder().encode(JSON.stringify({ ...valid, pad: HUGE.repeat(5) })),
    status: 413,
  });
  return cases;
}

function tokenCases(
  route: string,
  method: Case["method"],
  kind: "operator" | "agent",
  valid: Partial<Case>,
  tokens: { agentA: string; agentB: string; agentAId: string },
): Case[] {
  const base = { route, method, ...valid };
  const wrong: Array<[string, Partial<Case>]> = [
    ["no token", { token: undefined }],
    ["empty bearer", { token: undefined, headers: { authorization: "Bearer " } }],
    [
      "basic auth",
      { token: undefined, headers: { authorization: `Basic ${Buffer.from(`operator:${OPERATOR_TOKEN}`).toString("base64")}` } },
    ],
    ["wrong token", { token: "wrong-token-wrong-token-wrong" }],
    ["token with SQL", { token: "x' OR '1'='1" }],
  ];
  if (kind === "operator") {
    wrong.push(["operator token with one character changed", { token: OPERATOR_TOKEN.slice(0, -1) + "X" }]);
    wrong.push([
      "raw operator token as cookie (the cookie holds an HMAC, never the token)",
      { token: undefined, headers: { cookie: `sy_operator=${OPERATOR_TOKEN}` } },
    ]);
    wrong.push(["an agent token where the operator's is needed", { token: tokens.agentA }]);
  } else {
    const [id, secret] = [tokens.agentA.slice(0, 36), tokens.agentA.slice(37)];
    const secretB = tokens.agentB.slice(37);
    wrong.push(["agent A's id with agent B's secret", { token: `${id}.${secretB}` }]);
    wrong.push(["unknown agent id with a secret", { token: `${UNKNOWN_UUID}.${secret}` }]);
    wrong.push(["agent id without a secret", { token: `${id}.` }]);
    wrong.push(["agent token without the id", { token: secret }]);
    wrong.push(["agent secret with a flipped character", { token: `${id}.${secret.slice(0, -1)}${secret.endsWith("A") ? "B" : "A"}` }]);
    wrong.push(["the operator token where an agent's is needed", { token: OPERATOR_TOKEN }]);
  }
  return wrong.map(([name, patch]) => ({ ...base, ...patch, name: `${name}` }));
}

function queryCases(route: string, query: Record<string, string[]>, extra: Partial<Case> = {}): Case[] {
  const cases: Case[] = [];
  for (const [k, values] of Object.entries(query)) {
    for (const v of values)
      cases.push({
        route,
        method: "GET",
        ...OP,
        ...extra,
        name: `query ${k}=${JSON.stringify(v.slice(0, 30))}`,
        query: { [k]: v },
        field: k,
      });
  }
  cases.push({ route, method: "GET", ...OP, ...extra, name: "unknown query parameter", query: { admin: "1" }, field: "admin" });
  return cases;
}

function plan(tasks: Array<Record<string, unknown>>) {
  return { goal: "hostile plan", plan: { tasks } };
}

describe("bad-input corpus", () => {
  let routes: Map<string, RouteModule>;
  let agentA: { agent_id: string; token: string };
  let agentB: { agent_id: string; token: string };
  let runningTask: string; // held by agent A (attempt 1)
  let pendingTask: string; // not assigned to anyone
  let goalId: string;
  let before: Record<string, string[]>;
  const cases: Case[] = [];

  beforeAll(async () => {
    routes = await discoverRoutes();
    const register = routes.get("/api/orchestration/register")!.POST!;
    agentA = (await call(register, "POST", "/api/orchestration/register", { body: { skills: ["python"], name: "agent-a", capacity: 1 } }))
      .body;
    agentB = (await call(register, "POST", "/api/orchestration/register", { body: { skills: ["go"], name: "agent-b", capacity: 1 } })).body;
    const created = await call(routes.get("/api/goals")!.POST!, "POST", "/api/goals", {
      ...OP,
      body: {
        goal: "corpus goal",
        plan: {
          tasks: [
            { key: "a", name: "A", required_skills: ["python"] },
            { key: "b", name: "B", required_skills: ["python"] },
            { key: "c", name: "C", depends_on: ["a"] },
          ],
        },
      },
    });
    expect(created.status).toBe(201);
    goalId = created.body.goal_id;
    const pulled = await call(routes.get("/api/orchestration/assign")!.POST!, "POST", "/api/orchestration/assign", {
      token: agentA.token,
      body: { agent_id: agentA.agent_id },
    });
    expect(pulled.body.assignments).toHaveLength(1);
    runningTask = pulled.body.assignments[0].subtask_uuid;
    pendingTask = created.body.subtasks.find(
      (s: { uuid: string; key: string }) => s.key !== pulled.body.assignments[0].key && s.key !== "c",
    ).uuid;
    expect(typeof pendingTask).toBe("string");

    const tokens = { agentA: agentA.token, agentB: agentB.token, agentAId: agentA.agent_id };
    const A = { token: agentA.token };
    const str = (max: number) => [...wrongTypes("string"), "x".repeat(max + 1), "a\u0000b", "bad \ud800 surrogate"];
    const uuid = [...wrongTypes("string"), ...NOT_UUIDS];

    // --- agents: register (public) ---
    cases.push(
      ...bodyCases("/api/orchestration/register", { skills: ["python"], name: "n", capacity: 1, context_id: "ctx" }, ["skills"], {
        skills: [
          ...wrongTypes("array"),
          [""],
          ["has space"],
          ["x".repeat(LIMITS.skillChars + 1)],
          Array.from({ length: LIMITS.skills + 1 }, (_, i) => `s${i}`),
          [42],
          [null],
          ["a\u0000"],
          INJECTIONS.slice(0, 4),
          ["<b>"],
        ],
        name: [...str(LIMITS.nameChars), "", "   ", "vtab\u000bname", "bell\u0007", "esc\u001b[2J"],
        capacity: [...wrongTypes("number"), 0, -1, LIMITS.capacity + 1, 1.5, Number.MAX_SAFE_INTEGER + 2],
        context_id: [...str(200)],
      }),
    );
    cases.push({
      route: "/api/orchestration/register",
      method: "POST",
      name: "capacity 1e309 (Infinity)",
      rawBody: '{"skills":["python"],"capacity":1e309}',
      field: "capacity",
    });
    cases.push({
      route: "/api/orchestration/register",
      method: "POST",
      name: "capacity -1e309",
      rawBody: '{"skills":["python"],"capacity":-1e309}',
      field: "capacity",
    });

    // --- goals: decompose and POST /api/goals (operator) ---
    for (const route of ["/api/orchestration/decompose", "/api/goals"]) {
      cases.push(
        ...bodyCases(
          route,
          { goal: "analyse sales data", context: "ctx" },
          ["goal"],
          {
            goal: [...str(LIMITS.goalChars), "", "   ", "ctrl\u001b[31m"],
            context: [...str(LIMITS.contextChars)],
            dry_run: [...wrongTypes("boolean"), "true", 1],
            plan: [
              ...wrongTypes("object"),
              {},
              { tasks: [] },
              { tasks: "a" },
              { tasks: [{}] },
              { tasks: [{ key: "a", name: "A" }], extra: 1 },
            ],
            plan_markdown: [42, "a\u0000b"],
            planner: [...wrongTypes("string"), "robot", "AGENT", ""],
            aggregation: [...wrongTypes("string"), "sum", "CONCAT", ""],
          },
          OP,
        ),
      );
      cases.push(...tokenCases(route, "POST", "operator", { body: { goal: "'; DROP TABLE goals; --" } }, tokens));
    }
    const T = (key: string, extra: Record<string, unknown> = {}) => ({ key, name: `task ${key}`, ...extra });
    const plans: Array<[string, unknown, string]> = [
      ["self-dependency", plan([T("a", { depends_on: ["a"] })]), "plan.tasks[0].depends_on[0]"],
      ["two-cycle", plan([T("a", { depends_on: ["b"] }), T("b", { depends_on: ["a"] })]), "plan.tasks"],
      [
        "three-cycle behind a root",
        plan([T("r"), T("a", { depends_on: ["r", "c"] }), T("b", { depends_on: ["a"] }), T("c", { depends_on: ["b"] })]),
        "plan.tasks",
      ],
      ["dangling dependency", plan([T("a", { depends_on: ["ghost"] })]), "plan.tasks[0].depends_on[0]"],
      ["duplicate key", plan([T("a"), T("a")]), "plan.tasks[1].key"],
      ["duplicate dependency", plan([T("a"), T("b", { depends_on: ["a", "a"] })]), "plan.tasks[1].depends_on[1]"],
      ["10,001 tasks", plan(Array.from({ length: LIMITS.planTasks + 1 }, (_, i) => ({ key: `t${i}`, name: "t" }))), "plan.tasks"],
      [
        "1,001 dependencies on one task",
        plan([
          ...Array.from({ length: LIMITS.dependencies + 1 }, (_, i) => ({ key: `t${i}`, name: "t" })),
          T("z", { depends_on: Array.from({ length: LIMITS.dependencies + 1 }, (_, i) => `t${i}`) }),
        ]),
        "plan.tasks",
      ],
      ["key with spaces", plan([T("a b")]), "plan.tasks[0].key"],
      ["key with SQL", plan([T("a'; DROP TABLE subtasks; --")]), "plan.tasks[0].key"],
      ["key with HTML", plan([T("<script>")]), "plan.tasks[0].key"],
      ["key too long", plan([T("k".repeat(65))]), "plan.tasks[0].key"],
      ["empty name", plan([{ key: "a", name: "" }]), "plan.tasks[0].name"],
      ["name with NUL", plan([{ key: "a", name: "a\u0000" }]), "plan.tasks[0].name"],
      ["description too long", plan([T("a", { description: "d".repeat(LIMITS.descriptionChars + 1) })]), "plan.tasks[0].description"],
      ["priority 4", plan([T("a", { priority: 4 })]), "plan.tasks[0].priority"],
      ["priority -1", plan([T("a", { priority: -1 })]), "plan.tasks[0].priority"],
      ["priority URGENT", plan([T("a", { priority: "URGENT" })]), "plan.tasks[0].priority"],
      ["priority lower-case", plan([T("a", { priority: "high" })]), "plan.tasks[0].priority"],
      ["negative estimate", plan([T("a", { estimated_duration_s: -1 })]), "plan.tasks[0].estimated_duration_s"],
      [
        "estimate over a year",
        plan([T("a", { estimated_duration_s: LIMITS.estimatedDurationS + 1 })]),
        "plan.tasks[0].estimated_duration_s",
      ],
      ["max_attempts 0", plan([T("a", { max_attempts: 0 })]), "plan.tasks[0].max_attempts"],
      ["max_attempts 101", plan([T("a", { max_attempts: 101 })]), "plan.tasks[0].max_attempts"],
      ["timeout 0", plan([T("a", { timeout_s: 0 })]), "plan.tasks[0].timeout_s"],
      ["timeout 1.5", plan([T("a", { timeout_s: 1.5 })]), "plan.tasks[0].timeout_s"],
      ["skills not strings", plan([T("a", { required_skills: [1, 2] })]), "plan.tasks[0].required_skills[0]"],
      ["skill with spaces", plan([T("a", { required_skills: ["rm -rf /"] })]), "plan.tasks[0].required_skills[0]"],
      ["depends_on a string", plan([T("a"), T("b", { depends_on: "a" })]), "plan.tasks[1].depends_on"],
      ["unknown task field", plan([T("a", { shell: "rm -rf /" })]), "plan.tasks[0].shell"],
      [
        "cycle with HTML goal text",
        { goal: "<img src=x onerror=alert(1)>", plan: { tasks: [T("a", { depends_on: ["b"] }), T("b", { depends_on: ["a"] })] } },
        "plan.tasks",
      ],
    ];
    for (const [name, body, field] of plans)
      cases.push({ route: "/api/orchestration/decompose", method: "POST", ...OP, name: `plan: ${name}`, body, field });
    // Markdown master plans (seed 003) meet the same limits as JSON plans.
    const table = (rows: string[]) =>
      ["| Task ID | Task Name | Dependencies | Estimate | Timeout | Skills |", "|---|---|---|---|---|---|", ...rows].join("\n");
    const markdownPlans: Array<[string, string]> = [
      ["estimate of 10^11 hours", table(["| a | A | None | 99999999999h | 60 | - |"])],
      ["timeout of 10^11 hours", table(["| a | A | None | 60 | 99999999999h | - |"])],
      ["timeout over a week", table(["| a | A | None | 60 | 169h | - |"])],
      ["name of 5,000 characters", table([`| a | ${"n".repeat(5000)} | None | 60 | 60 | - |`])],
      ["10,001 rows", table(Array.from({ length: LIMITS.planTasks + 1 }, (_, i) => `| t${i} | T | None | 1 | 1 | - |`))],
      ["65 skills", table([`| a | A | None | 1 | 1 | ${Array.from({ length: 65 }, (_, i) => `s${i}`).join(",")} |`])],
      ["a cycle", table(["| a | A | b | 1 | 1 | - |", "| b | B | a | 1 | 1 | - |"])],
      ["a self-dependency", table(["| a | A | a | 1 | 1 | - |"])],
      ["a dangling dependency", table(["| a | A | ghost | 1 | 1 | - |"])],
      ["an id with SQL", table(["| a';DROP TABLE goals;-- | A | None | 1 | 1 | - |"])],
      ["no table at all", "<script>alert(1)</script>"],
      ["a NUL byte", table(["| a | A\u0000 | None | 1 | 1 | - |"])],
    ];
    for (const [name, markdown] of markdownPlans) {
      cases.push({
        route: "/api/goals",
        method: "POST",
        ...OP,
        name: `markdown plan: ${name}`,
        body: { goal: "markdown plan", plan_markdown: markdown },
        field: "plan_markdown",
      });
    }
    cases.push({
      route: "/api/goals",
      method: "POST",
      ...OP,
      name: "planner agent with an explicit plan",
      body: { goal: "both", planner: "agent", plan: { tasks: [{ key: "a", name: "A" }] } },
      field: "planner",
    });
    cases.push({
      route: "/api/goals",
      method: "POST",
      ...OP,
      name: "aggregation agent beside a task keyed aggregate",
      body: { goal: "taken", aggregation: "agent", plan: { tasks: [{ key: "aggregate", name: "A" }] } },
      field: "aggregation",
    });
    cases.push({
      route: "/api/goals",
      method: "POST",
      ...OP,
      name: "plan and plan_markdown together",
      body: { goal: "both", plan: { tasks: [{ key: "a", name: "A" }] }, plan_markdown: table(["| a | A | None | 1 | 1 | - |"]) },
      field: "plan_markdown",
    });
    cases.push({
      route: "/api/goals",
      method: "POST",
      ...OP,
      name: "plan: cycle (dry run)",
      body: { ...plan([T("a", { depends_on: ["b"] }), T("b", { depends_on: ["a"] })]), dry_run: true },
      field: "plan.tasks",
    });

    // --- assign (agent pull, or operator across all) ---
    cases.push(
      ...bodyCases(
        "/api/orchestration/assign",
        { agent_id: agentA.agent_id, max: 1 },
        [],
        {
          agent_id: uuid,
          max: [...wrongTypes("number"), 0, -1, LIMITS.assignMax + 1, 2.5],
        },
        A,
      ),
    );
    cases.push(...tokenCases("/api/orchestration/assign", "POST", "agent", { body: { agent_id: agentA.agent_id } }, tokens));
    cases.push({
      route: "/api/orchestration/assign",
      method: "POST",
      name: "pull as another agent",
      ...A,
      body: { agent_id: agentB.agent_id },
      field: "agent_id",
      status: 403,
    });
    cases.push({
      route: "/api/orchestration/assign",
      method: "POST",
      name: "pull for an unknown agent",
      ...A,
      body: { agent_id: UNKNOWN_UUID },
      field: "agent_id",
      status: 403,
    });
    cases.push({ route: "/api/orchestration/assign", method: "POST", name: "operator assign without a token", body: {}, status: 401 });
    cases.push({
      route: "/api/orchestration/assign",
      method: "POST",
      name: "operator assign with an agent's token",
      ...A,
      body: {},
      status: 401,
    });
    cases.push({
      route: "/api/orchestration/assign",
      method: "POST",
      name: "operator assign with max 0",
      ...OP,
      body: { max: 0 },
      field: "max",
    });

    // --- complete / fail (agent A holds runningTask at attempt 1) ---
    cases.push(
      ...bodyCases(
        "/api/orchestration/complete",
        { subtask_uuid: runningTask, result: "ok", attempt: 1 },
        ["subtask_uuid", "result"],
        {
          subtask_uuid: uuid,
          result: [
            null,
            "x".repeat(LIMITS.resultChars + 1),
            "nul\u0000result",
            "lone \udc00",
            { k: "v\u0000" },
            { ["k\u0000"]: 1 },
            ["\ud800"],
            { big: "x".repeat(LIMITS.resultChars) },
            JSON.parse("[".repeat(100) + "]".repeat(100)),
          ],
          attempt: [...wrongTypes("number"), 0, -1, 1.5, 1e300, LIMITS.attemptNumber + 1],
          // issue 11: a bad spawn refuses the whole completion
          spawn: [
            ...wrongTypes("object"),
            {},
            { tasks: [] },
            { tasks: [{}] },
            { tasks: [{ key: "a", name: "a", depends_on: ["a"] }] },
            {
              tasks: [
                { key: "a", name: "a", depends_on: ["b"] },
                { key: "b", name: "b", depends_on: ["a"] },
              ],
            },
            {
              tasks: [
                { key: "a", name: "a" },
                { key: "a", name: "again" },
              ],
            },
            { tasks: [{ key: "a", name: "a", depends_on: ["not-in-the-spawn"] }] },
            { tasks: [{ key: "a'; DROP TABLE subtasks; --", name: "a" }] },
            { tasks: [{ key: "k".repeat(64), name: "too long with its prefix" }] },
            { tasks: Array.from({ length: 501 }, (_, i) => ({ key: `t${i}`, name: "t" })) },
            { tasks: [{ key: "a", name: "a" }], extra: true },
          ],
        },
        A,
      ),
    );
    cases.push({
      route: "/api/orchestration/complete",
      method: "POST",
      ...A,
      name: "attempt 1e309",
      rawBody: `{"subtask_uuid":"${runningTask}","result":"ok","attempt":1e309}`,
      field: "attempt",
    });
    cases.push({
      route: "/api/orchestration/complete",
      method: "POST",
      ...A,
      name: "result nested 100,000 deep",
      rawBody: `{"subtask_uuid":"${runningTask}","result":${"[".repeat(100_000)}${"]".repeat(100_000)}}`,
      field: "result",
    });
    cases.push(
      ...tokenCases("/api/orchestration/complete", "POST", "agent", { body: { subtask_uuid: runningTask, result: "stolen" } }, tokens),
    );
    cases.push({
      route: "/api/orchestration/complete",
      method: "POST",
      name: "complete another agent's task",
      token: agentB.token,
      body: { subtask_uuid: runningTask, result: "stolen" },
      status: 403,
    });
    cases.push({
      route: "/api/orchestration/complete",
      method: "POST",
      name: "complete another agent's attempt by number",
      token: agentB.token,
      body: { subtask_uuid: runningTask, result: "stolen", attempt: 1 },
      status: 403,
    });
    cases.push({
      route: "/api/orchestration/complete",
      method: "POST",
      name: "complete a task nobody was given",
      ...A,
      body: { subtask_uuid: pendingTask, result: "early" },
      status: 403,
    });
    cases.push({
      route: "/api/orchestration/complete",
      method: "POST",
      name: "complete an attempt that does not exist",
      ...A,
      body: { subtask_uuid: runningTask, result: "r", attempt: 2 },
      status: 403,
    });
    cases.push({
      route: "/api/orchestration/complete",
      method: "POST",
      name: "complete an unknown task",
      ...A,
      body: { subtask_uuid: UNKNOWN_UUID, result: "r" },
      status: 404,
    });
    if (routes.get("/api/orchestration/complete-batch")?.POST) {
      const item = { subtask_uuid: runningTask, result: "ok", attempt: 1 };
      cases.push(
        ...bodyCases(
          "/api/orchestration/complete-batch",
          { completions: [item] },
          ["completions"],
          {
            completions: [
              ...wrongTypes("array"),
              [],
              Array.from({ length: LIMITS.assignMax + 1 }, () => item),
              [{}],
              [item, { ...item, subtask_uuid: "' OR 1=1 --" }],
              [{ ...item, extra: true }],
              [{ ...item, result: "nul\u0000" }],
              [{ ...item, attempt: -1 }],
              [item, null],
            ],
          },
          A,
        ),
      );
      cases.push(
        ...tokenCases(
          "/api/orchestration/complete-batch",
          "POST",
          "agent",
          { body: { completions: [{ subtask_uuid: runningTask, result: "stolen" }] } },
          tokens,
        ),
      );
    }
    cases.push(
      ...bodyCases(
        "/api/orchestration/fail",
        { subtask_uuid: runningTask, error: "boom", attempt: 1 },
        ["subtask_uuid", "error"],
        {
          subtask_uuid: uuid,
          error: [...wrongTypes("string"), "", "e".repeat(LIMITS.errorChars + 1), "nul\u0000error", "\ud83d"],
          attempt: [...wrongTypes("number"), 0, -5, 3.14],
        },
        A,
      ),
    );
    cases.push(
      ...tokenCases("/api/orchestration/fail", "POST", "agent", { body: { subtask_uuid: runningTask, error: "sabotage" } }, tokens),
    );
    cases.push({
      route: "/api/orchestration/fail",
      method: "POST",
      name: "fail another agent's task",
      token: agentB.token,
      body: { subtask_uuid: runningTask, error: "sabotage" },
      status: 403,
    });
    cases.push({
      route: "/api/orchestration/fail",
      method: "POST",
      name: "fail an unknown task",
      ...A,
      body: { subtask_uuid: UNKNOWN_UUID, error: "x" },
      status: 404,
    });

    // --- issue 9: progress reports, usage, budgets, stored output ---
    if (routes.get("/api/orchestration/progress")?.POST) {
      const usageBad = [
        ...wrongTypes("object"),
        { input_tokens: -1 },
        { output_tokens: 1.5 },
        { cost_usd: -0.01 },
        { cost_usd: "1" },
        { model: "m\u0000" },
        { tokens: 5 },
      ];
      cases.push(
        ...bodyCases(
          "/api/orchestration/progress",
          { subtask_uuid: runningTask, attempt: 1, progress: 0.5 },
          ["subtask_uuid"],
          {
            subtask_uuid: uuid,
            attempt: [...wrongTypes("number"), 0, -1, 1.5],
            progress: [...wrongTypes("number"), -0.1, 1.01, 1e309],
            message: [...wrongTypes("string"), "m".repeat(2_001), "nul\u0000"],
            output: [...wrongTypes("string"), "nul\u0000out", "lone \ud800"],
            usage: usageBad,
          },
          A,
        ),
      );
      cases.push(
        ...tokenCases("/api/orchestration/progress", "POST", "agent", { body: { subtask_uuid: runningTask, progress: 0.5 } }, tokens),
      );
      cases.push({
        route: "/api/orchestration/progress",
        method: "POST",
        name: "progress of another agent's task",
        token: agentB.token,
        body: { subtask_uuid: runningTask, progress: 0.5 },
        status: 403,
      });
      cases.push({
        route: "/api/orchestration/progress",
        method: "POST",
        name: "progress of a task nobody was given",
        ...A,
        body: { subtask_uuid: pendingTask, progress: 0.5 },
        status: 403,
      });
      cases.push({
        route: "/api/orchestration/progress",
        method: "POST",
        name: "progress of an unknown task",
        ...A,
        body: { subtask_uuid: UNKNOWN_UUID, progress: 0.5 },
        status: 404,
      });
      cases.push({
        route: "/api/orchestration/progress",
        method: "POST",
        name: "output chunk over 64 KiB",
        ...A,
        body: { subtask_uuid: runningTask, output: "é".repeat(33_000) },
        field: "output",
        status: 413,
      });
      cases.push({
        route: "/api/orchestration/complete",
        method: "POST",
        ...A,
        name: "complete with negative usage",
        body: { subtask_uuid: runningTask, result: "ok", usage: { input_tokens: -5 } },
        field: "usage.input_tokens",
      });
      cases.push({
        route: "/api/orchestration/complete",
        method: "POST",
        ...A,
        name: "complete with unknown usage field",
        body: { subtask_uuid: runningTask, result: "ok", usage: { tokens: 5 } },
        field: "usage.tokens",
      });
      for (const budget of [{ max_cost_usd: -1 }, { max_tokens: 1.5 }, { max_tokens: "10" }, { cap: 1 }, "10", []]) {
        cases.push({
          route: "/api/goals",
          method: "POST",
          ...OP,
          name: `budget ${JSON.stringify(budget)}`,
          body: { goal: "budgeted", budget },
          field: "budget",
        });
      }
    }
    if (routes.get("/api/tasks/:id/output")?.GET) {
      cases.push(...queryCases("/api/tasks/:id/output", { attempt: ["0", "-1", "x", "1.5"] }, { params: { id: runningTask } }));
      cases.push({
        route: "/api/tasks/:id/output",
        method: "GET",
        ...OP,
        name: "output of an attempt that never was",
        params: { id: runningTask },
        query: { attempt: "9" },
        field: "attempt",
        status: 404,
      });
    }

    // --- heartbeat / unregister ---
    for (const route of ["/api/orchestration/heartbeat", "/api/orchestration/unregister"]) {
      cases.push(...bodyCases(route, { agent_id: agentA.agent_id }, ["agent_id"], { agent_id: uuid }, A));
      cases.push(...tokenCases(route, "POST", "agent", { body: { agent_id: agentA.agent_id } }, tokens));
      cases.push({
        route,
        method: "POST",
        name: "act as another agent",
        ...A,
        body: { agent_id: agentB.agent_id },
        field: "agent_id",
        status: 403,
      });
      cases.push({
        route,
        method: "POST",
        name: "act as an unknown agent",
        ...A,
        body: { agent_id: UNKNOWN_UUID },
        field: "agent_id",
        status: 403,
      });
    }

    // --- operator reads ---
    for (const route of [
      "/api/orchestration/status",
      "/api/agents",
      "/api/goals",
      "/api/orchestration/tensor",
      "/api/events",
      "/api/metrics/throughput",
      "/api/metrics/agents",
      "/api/orchestration/tensor/labels",
    ]) {
      if (routes.get(route)?.GET) cases.push(...tokenCases(route, "GET", "operator", {}, tokens));
    }
    cases.push(
      ...queryCases("/api/goals", { status: ["bogus", "RUNNING", "' OR 1=1 --"], limit: ["0", "-1", "501", "1e309", "abc", "1.5", ""] }),
    );
    cases.push(...queryCases("/api/orchestration/tensor", { format: ["xml", "DENSE", "<svg>"], goal_id: NOT_UUIDS.slice(1, 6) }));
    if (routes.get("/api/events")?.GET)
      cases.push(...queryCases("/api/events", { after: ["-1", "abc", "1.5"], limit: ["0", "5001", "x"], goal_id: ["nope", "' OR 1=1"] }));
    if (routes.get("/api/metrics/throughput")?.GET)
      cases.push(...queryCases("/api/metrics/throughput", { minutes: ["0", "1441", "-5", "lots"], agent_id: ["x"] }));
    if (routes.get("/api/metrics/agents")?.GET) cases.push(...queryCases("/api/metrics/agents", { minutes: ["0", "99999"] }));
    if (routes.get("/api/orchestration/tensor/labels")?.GET)
      cases.push(...queryCases("/api/orchestration/tensor/labels", { goal_id: ["x", "' OR 1=1"] }));

    // --- every :id route: ids that are not UUIDs, unknown UUIDs, and no operator token ---
    for (const [route, mod] of routes) {
      if (!route.includes(":id")) continue;
      for (const method of ["GET", "POST", "DELETE", "PUT", "PATCH"] as const) {
        if (!mod[method]) continue;
        const body =
          method === "GET"
            ? undefined
            : route.endsWith("/reassign")
              ? { agent_id: agentB.agent_id }
              : route.endsWith("/reject")
                ? { feedback: "no" }
                : method === "PATCH" && route === "/api/goals/:id"
                  ? { budget: { max_tokens: 1 } }
                  : {};
        for (const bad of NOT_UUIDS.slice(1, 7))
          cases.push({ route, method, ...OP, name: `id ${JSON.stringify(bad)}`, params: { id: bad }, body, status: 404 });
        cases.push({ route, method, ...OP, name: "unknown id", params: { id: UNKNOWN_UUID }, body, status: 404 });
        const realId = route.startsWith("/api/goals") ? goalId : runningTask;
        cases.push(...tokenCases(route, method, "operator", { params: { id: realId }, body }, tokens));
      }
    }
    const taskRoute = (action: string) => `/api/tasks/:id/${action}`;
    if (routes.get(taskRoute("reassign"))?.POST) {
      cases.push(
        ...bodyCases(
          taskRoute("reassign"),
          { agent_id: agentA.agent_id },
          ["agent_id"],
          { agent_id: uuid },
          { ...OP, params: { id: pendingTask } },
        ),
      );
      cases.push({
        route: taskRoute("reassign"),
        method: "POST",
        ...OP,
        name: "reassign to an unknown agent",
        params: { id: pendingTask },
        body: { agent_id: UNKNOWN_UUID },
        status: 404,
      });
      cases.push({
        route: taskRoute("reassign"),
        method: "POST",
        ...OP,
        name: "reassign to an agent without the skills",
        params: { id: pendingTask },
        body: { agent_id: agentB.agent_id },
        status: 409,
      });
      cases.push({
        route: taskRoute("reassign"),
        method: "POST",
        ...OP,
        name: "reassign a running task to its own agent",
        params: { id: runningTask },
        body: { agent_id: agentA.agent_id },
        status: 409,
      });
    }
    if (routes.get(taskRoute("retry"))?.POST) {
      cases.push({
        route: taskRoute("retry"),
        method: "POST",
        ...OP,
        name: "retry a running task",
        params: { id: runningTask },
        status: 409,
      });
      cases.push({
        route: taskRoute("retry"),
        method: "POST",
        ...OP,
        name: "retry a pending task",
        params: { id: pendingTask },
        status: 409,
      });
    }

    // --- webhooks (issue 11, operator) ---
    if (routes.get("/api/webhooks")?.POST) {
      const hook = await call(routes.get("/api/webhooks")!.POST!, "POST", "/api/webhooks", {
        ...OP,
        body: { url: "https://example.com/corpus", events: ["goal.finished"] },
      });
      expect(hook.status).toBe(201);
      cases.push(
        ...bodyCases(
          "/api/webhooks",
          { url: "https://example.com/hook", events: ["goal.finished"], secret: "corpus-secret-0123456789" },
          ["url", "events"],
          {
            url: [
              ...str(2048),
              "",
              "   ",
              "ftp://example.com/x",
              "javascript:alert(1)",
              "file:///etc/passwd",
              "data:text/plain,hi",
              "not a url",
              "/relative",
              "http://exa mple.com/",
              "https://",
              ...INJECTIONS.slice(0, 4),
            ],
            events: [...wrongTypes("array"), [], ["goal.exploded"], [42], [null], ["goal.finished", "' OR 1=1 --"], INJECTIONS.slice(0, 2)],
            secret: [...wrongTypes("string"), "short", "has spaces in this secret", "x".repeat(257), "tab\tsecret-0123456789"],
          },
          OP,
        ),
      );
      for (const method of ["POST", "GET"] as const)
        cases.push(
          ...tokenCases(
            "/api/webhooks",
            method,
            "operator",
            method === "POST" ? { body: { url: "https://example.com/x", events: ["goal.finished"] } } : {},
            tokens,
          ),
        );
      const deliveries = "/api/webhooks/:id/deliveries";
      if (routes.get(deliveries)?.GET)
        cases.push(
          ...queryCases(
            deliveries,
            { limit: ["0", "-1", "501", "abc", "1.5"], status: ["bogus", "DELIVERED", "' OR 1=1 --"] },
            { params: { id: hook.body.id } },
          ),
        );
    }

    // --- operators step in (issue 10): pause/resume, drain, approval, re-run, bulk, goal search ---
    if (routes.get("/api/goals/:id/pause")?.POST) {
      // Routes whose body is an empty object: the __proto__ case needs a body of its own.
      const emptyBodyCases = (route: string, fields: Record<string, unknown[]>, extra: Partial<Case>) =>
        bodyCases(route, {}, [], fields, extra)
          .filter((c) => !c.name.startsWith("byte-order mark")) // that is the valid (empty) body here
          .map((c) => (c.name === "__proto__ field" ? { ...c, rawBody: '{"__proto__":{"admin":true}}' } : c));
      const onGoal = { ...OP, params: { id: goalId } };
      cases.push(...emptyBodyCases("/api/goals/:id/pause", { reason: ["operator", "budget_exceeded", 42] }, onGoal));
      cases.push(...emptyBodyCases("/api/goals/:id/resume", {}, onGoal));
      // PATCH /api/goals/:id {budget} (issue 9): limits must be non-negative numbers.
      cases.push(
        ...bodyCases(
          "/api/goals/:id",
          { budget: { max_tokens: 10 } },
          ["budget"],
          { budget: [null, 5, "x", { max_tokens: -1 }, { max_cost_usd: "1" }, { max_tokens: 1.5 }, { extra: 1 }] },
          {
            ...onGoal,
            method: "PATCH",
          },
        ).filter((c) => !c.name.startsWith("byte-order mark")),
      );
      cases.push({
        route: "/api/goals/:id/resume",
        method: "POST",
        ...onGoal,
        name: "resume a goal that is not paused",
        body: {},
        status: 409,
      });
      const onAgentB = { ...OP, params: { id: agentB.agent_id } };
      cases.push(...emptyBodyCases("/api/agents/:id/drain", {}, onAgentB));
      cases.push(...emptyBodyCases("/api/agents/:id/undrain", {}, onAgentB));
      cases.push({
        route: "/api/agents/:id/undrain",
        method: "POST",
        ...onAgentB,
        name: "undrain an agent that is not drained",
        body: {},
        status: 409,
      });
      cases.push({
        route: "/api/agents/:id/drain",
        method: "POST",
        ...OP,
        name: "drain a task's id (not an agent)",
        params: { id: runningTask },
        body: {},
        status: 404,
      });

      const onRunning = { ...OP, params: { id: runningTask } };
      cases.push(
        ...bodyCases(
          "/api/tasks/:id/approve",
          { result: "edited" },
          [],
          {
            result: [
              null,
              "x".repeat(LIMITS.resultChars + 1),
              "nul\u0000result",
              "lone \udc00",
              { k: "v\u0000" },
              JSON.parse("[".repeat(100) + "]".repeat(100)),
            ],
          },
          onRunning,
        ),
      );
      cases.push({
        route: "/api/tasks/:id/approve",
        method: "POST",
        ...onRunning,
        name: "approve a running task (not awaiting approval)",
        body: { result: "x" },
        status: 409,
      });
      cases.push({
        route: "/api/tasks/:id/approve",
        method: "POST",
        ...OP,
        name: "approve a pending task",
        params: { id: pendingTask },
        body: {},
        status: 409,
      });
      cases.push(
        ...bodyCases(
          "/api/tasks/:id/reject",
          { feedback: "do better" },
          ["feedback"],
          {
            feedback: [...wrongTypes("string"), "", "   ", "e".repeat(LIMITS.errorChars + 1), "nul\u0000", "\ud83d"],
          },
          onRunning,
        ),
      );
      cases.push({
        route: "/api/tasks/:id/reject",
        method: "POST",
        ...onRunning,
        name: "reject a running task (not awaiting approval)",
        body: { feedback: "no" },
        status: 409,
      });
      cases.push(
        ...bodyCases(
          "/api/tasks/:id/rerun",
          { description: "again" },
          [],
          {
            description: [...wrongTypes("string"), "d".repeat(LIMITS.descriptionChars + 1), "bell\u0007", "nul\u0000"],
          },
          onRunning,
        ),
      );
      cases.push({ route: "/api/tasks/:id/rerun", method: "POST", ...onRunning, name: "re-run a running task", body: {}, status: 409 });
      cases.push({
        route: "/api/tasks/:id/rerun",
        method: "POST",
        ...OP,
        name: "re-run a pending task",
        params: { id: pendingTask },
        body: { description: "x" },
        status: 409,
      });

      cases.push(
        ...bodyCases(
          "/api/tasks/bulk",
          { action: "retry", filter: { goal_id: goalId } },
          ["action", "filter"],
          {
            action: [...wrongTypes("string"), "explode", "RETRY", "' OR 1=1 --"],
            filter: [
              ...wrongTypes("object"),
              {},
              { goal_id: "x" },
              { status: "bogus" },
              { status: [] },
              { skill: "has space" },
              { key: "a\u0000" },
              { agent_id: "' OR 1=1" },
              { goal_id: goalId, color: "red" },
            ],
            agent_id: [...uuid, agentB.agent_id],
            dry_run: [...wrongTypes("boolean"), "true", 1],
          },
          OP,
        ),
      );
      cases.push({
        route: "/api/tasks/bulk",
        method: "POST",
        ...OP,
        name: "reassign without agent_id",
        body: { action: "reassign", filter: { goal_id: goalId } },
        field: "agent_id",
      });
      cases.push({
        route: "/api/tasks/bulk",
        method: "POST",
        ...OP,
        name: "reassign to a bad agent id",
        body: { action: "reassign", filter: { goal_id: goalId }, agent_id: "nope" },
        field: "agent_id",
      });
      cases.push(...tokenCases("/api/tasks/bulk", "POST", "operator", { body: { action: "cancel", filter: { goal_id: goalId } } }, tokens));
      cases.push(
        ...queryCases("/api/goals", {
          q: ["x".repeat(501), "a\u0000b", "esc\u001b[2J"],
          cursor: ["nope", "' OR 1=1 --", Buffer.from('["not a date","x"]').toString("base64url"), "c".repeat(201)],
        }),
      );
    }

    // --- the session (sign-in) ---
    if (routes.get("/api/session")?.POST) {
      cases.push(
        ...bodyCases("/api/session", { token: OPERATOR_TOKEN }, ["token"], {
          token: [...wrongTypes("string"), "", "x".repeat(1025)],
          next: [42, "n".repeat(2049)],
        }),
      );
      for (const token of ["wrong-token", OPERATOR_TOKEN + " ", OPERATOR_TOKEN.toUpperCase(), "' OR '1'='1", "<script>alert(1)</script>"]) {
        cases.push({
          route: "/api/session",
          method: "POST",
          name: `sign in with ${JSON.stringify(token)}`,
          body: { token },
          field: "token",
          status: 401,
        });
      }
    }

    // --- MCP over HTTP (issue 13): the JSON-RPC envelope is checked before the transport ---
    if (routes.get("/api/mcp")?.POST) {
      cases.push(
        ...bodyCases("/api/mcp", { jsonrpc: "2.0", method: "tools/list", id: 1 }, ["jsonrpc", "method"], {
          jsonrpc: ["1.0", 2, null, ...INJECTIONS.slice(0, 2)],
          method: ["", 42, null, ["tools/list"], "m".repeat(201)],
          id: [{}, ["1"], 1.5, true],
          params: ["x", [1], 42],
        }),
      );
    }

    // Every route that is not public by design refuses a caller without any token (new routes included).
    for (const [route, mod] of routes) {
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"] as const) {
        if (!mod[method] || PUBLIC.has(`${method} ${route}`)) continue;
        const params = route.includes(":id") ? { id: route.startsWith("/api/goals") ? goalId : runningTask } : undefined;
        cases.push({ route, method, name: "no token at all", params, body: method === "GET" ? undefined : {}, status: 401 });
      }
    }

    before = await snapshot();
  });

  afterAll(() => {
    delete process.env.SWITCHYARD_OPERATOR_TOKEN;
    delete process.env.AGENT_RATE_LIMIT_PER_S;
    resetEnv();
    resetAgentBuckets();
  });

  it("covers every route of the API", () => {
    const uncovered: string[] = [];
    for (const [route, mod] of routes) {
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"] as const) {
        if (!mod[method]) continue;
        const key = `${method} ${route}`;
        if (PUBLIC.has(key) && method !== "POST") continue; // no input to refuse
        if (!cases.some((c) => c.route === route && c.method === method)) uncovered.push(key);
      }
    }
    expect(uncovered).toEqual([]);
    expect(cases.length).toBeGreaterThanOrEqual(150);
  });

  it("refuses every hostile request with a 4xx and the error shape, and writes nothing", async () => {
    const failures: string[] = [];
    const byRoute = new Map<string, number>();
    for (const c of cases) {
      const mod = routes.get(c.route);
      const handler = mod?.[c.method];
      if (!handler) throw new Error(`no handler for ${c.method} ${c.route}`);
      const urlPath = c.route.replace(":id", encodeURIComponent(c.params?.id ?? ""));
      let res: { status: number; body: any; headers: Headers };
      if (c.stream) {
        const bytes = c.stream;
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            for (let i = 0; i < bytes.length; i += 65_536) controller.enqueue(bytes.slice(i, i + 65_536));
            controller.close();
          },
        });
        const headers: Record<string, string> = { "content-type": "application/json", ...(c.headers ?? {}) };
        if (c.token) headers.authorization = `Bearer ${c.token}`;
        const request = new Request(`http://localhost${urlPath}`, {
          method: c.method,
          headers,
          body: stream,
          duplex: "half",
        } as RequestInit);
        expect(request.headers.get("content-length")).toBeNull();
        const response = await handler(request, { params: Promise.resolve(c.params ?? {}) });
        res = { status: response.status, body: await response.json(), headers: response.headers };
      } else {
        res = await call(handler, c.method, urlPath, {
          body: c.body,
          rawBody: c.rawBody,
          token: c.token,
          headers: c.headers,
          params: c.params,
          query: c.query,
        });
      }
      const label = `${c.method} ${c.route} – ${c.name}: got ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
      byRoute.set(`${c.method} ${c.route}`, (byRoute.get(`${c.method} ${c.route}`) ?? 0) + 1);
      if (res.status < 400 || res.status > 499) {
        failures.push(label);
        continue;
      }
      if (c.status !== undefined && res.status !== c.status) failures.push(`${label} (expected ${c.status})`);
      const error = res.body?.error;
      const shapeOk =
        error &&
        typeof error.code === "string" &&
        typeof error.message === "string" &&
        error.message.length > 0 &&
        Object.keys(res.body).length === 1 &&
        Object.keys(error).every((k) => ["code", "message", "field"].includes(k)) &&
        (error.field === undefined || typeof error.field === "string");
      if (!shapeOk) failures.push(`${label} (bad error shape)`);
      if (c.field !== undefined && (typeof error?.field !== "string" || !error.field.startsWith(c.field)))
        failures.push(`${label} (expected field ${c.field})`);
      if (res.status === 429 && !res.headers.get("retry-after")) failures.push(`${label} (429 without Retry-After)`);
    }
    const after = await snapshot();
    console.log(
      `[bad-input corpus] ${cases.length} hostile requests across ${byRoute.size} route methods, ${failures.length} not refused properly`,
    );
    expect(failures).toEqual([]);
    expect(after).toEqual(before);
  });

  it("a batch of completions for other agents' or unknown tasks is refused item by item and writes nothing", async () => {
    const handler = routes.get("/api/orchestration/complete-batch")?.POST;
    if (!handler) return;
    const start = await snapshot();
    const res = await call(handler, "POST", "/api/orchestration/complete-batch", {
      token: agentB.token,
      body: {
        completions: [
          { subtask_uuid: runningTask, result: "stolen" },
          { subtask_uuid: pendingTask, result: "early" },
          { subtask_uuid: UNKNOWN_UUID, result: "ghost" },
          { subtask_uuid: runningTask, result: "again", attempt: 1 },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { ok: boolean; status: number }) => [r.ok, r.status])).toEqual([
      [false, 403],
      [false, 403],
      [false, 404],
      [false, 403],
    ]);
    expect(await snapshot()).toEqual(start);
  });
});
