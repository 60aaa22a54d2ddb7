// Seeded random requests (valid-looking shapes with hostile values mixed in) against the
// write endpoints: whatever is sent, the answer is never a 5xx. Deterministic: a failure
// prints the bodies that caused it, and the same seed finds them again.
import { expect, it } from "vitest";
import * as routes from "@/lib/api/routes";
import { call } from "@/lib/testing/http";

const REQUESTS = 3000;
let seed = 12345;
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)]!;

const STRINGS = [
  "",
  " ",
  "a",
  "T-01",
  "\u0000",
  "\ud800",
  "😀😀😀",
  "x".repeat(300),
  "<b>",
  "' OR 1=1",
  "\n\t",
  "CRITICAL",
  "high",
  "None",
  "-1",
  "1e309",
  "00000000-0000-0000-0000-000000000000",
  "7f1d3a52-9c1e-4b0a-8f7e-2d9c6b1a0e4f",
];
const KEYS = [
  "key",
  "name",
  "depends_on",
  "tasks",
  "priority",
  "timeout_s",
  "x",
  "estimated_duration_s",
  "required_skills",
  "max_attempts",
];

function value(depth = 0): unknown {
  switch (Math.floor(random() * (depth > 2 ? 6 : 8))) {
    case 0:
      return pick(STRINGS);
    case 1:
      return pick([0, -1, 1, 1.5, 2 ** 31, 2 ** 53, -(2 ** 31), 1e300, 3]);
    case 2:
      return random() < 0.5;
    case 3:
      return null;
    case 4:
      return pick(STRINGS) + pick(STRINGS);
    case 5:
      return Math.floor(random() * 5);
    case 6:
      return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [pick(KEYS), value(depth + 1)]));
  }
}

it(`${REQUESTS} random requests to the write endpoints never get a 5xx`, async () => {
  const agent = (await call(routes.register.POST, "POST", "/api/orchestration/register", { body: { skills: ["a"] } })).body as {
    agent_id: string;
    token: string;
  };
  const planTask = () => ({
    key: pick(["a", "b", "c"]),
    name: pick(["A", ...STRINGS]),
    depends_on: random() < 0.5 ? [pick(["a", "b", "c"])] : value(),
    priority: value(),
    timeout_s: value(),
    estimated_duration_s: value(),
    required_skills: random() < 0.5 ? ["a"] : value(),
    max_attempts: value(),
  });
  const targets: Array<{ name: string; handler: typeof routes.goals.POST; fields: Record<string, () => unknown>; token?: string }> = [
    {
      name: "POST /api/goals",
      handler: routes.goals.POST,
      fields: {
        goal: () => pick(["g", ...STRINGS]),
        context: value,
        plan: () => ({ tasks: Array.from({ length: 1 + Math.floor(random() * 3) }, planTask) }),
        dry_run: () => pick([true, false, value()]),
      },
    },
    {
      name: "POST /api/orchestration/register",
      handler: routes.register.POST,
      fields: { skills: () => (random() < 0.5 ? [pick(STRINGS)] : value()), name: value, capacity: value, context_id: value },
    },
    {
      name: "POST /api/orchestration/complete",
      handler: routes.complete.POST,
      fields: { subtask_uuid: () => pick(STRINGS), result: value, attempt: value },
      token: agent.token,
    },
    {
      name: "POST /api/orchestration/fail",
      handler: routes.fail.POST,
      fields: { subtask_uuid: () => pick(STRINGS), error: value, attempt: value },
      token: agent.token,
    },
    {
      name: "POST /api/orchestration/assign",
      handler: routes.assign.POST,
      fields: { agent_id: () => pick([agent.agent_id, ...STRINGS]), max: value },
      token: agent.token,
    },
  ];
  const serverErrors: string[] = [];
  const statuses = new Map<number, number>();
  for (let n = 0; n < REQUESTS; n++) {
    const target = pick(targets);
    const body: Record<string, unknown> = {};
    for (const [field, make] of Object.entries(target.fields)) if (random() < 0.8) body[field] = make();
    const res = await call(target.handler, "POST", "/fuzz", { body, token: target.token });
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    if (res.status >= 500) serverErrors.push(`${target.name} ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
  }
  console.log(`[fuzz] ${REQUESTS} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
  expect(serverErrors).toEqual([]);
}, 300_000);

it("text cut for an event (goal excerpt, error excerpt) inside an emoji is still stored", async () => {
  const goal = `${"g".repeat(199)}😀 and more`; // the goal.created event keeps 200 UTF-16 units: half an emoji
  const created = await call(routes.goals.POST, "POST", "/api/goals", {
    body: { goal, plan: { tasks: [{ key: "a", name: "A", required_skills: ["emoji"] }] } },
  });
  expect(created.status).toBe(201);
  const agent = (await call(routes.register.POST, "POST", "/api/orchestration/register", { body: { skills: ["emoji"] } })).body as {
    agent_id: string;
    token: string;
  };
  const pulled = await call(routes.assign.POST, "POST", "/api/orchestration/assign", {
    token: agent.token,
    body: { agent_id: agent.agent_id },
  });
  expect(pulled.body.assignments).toHaveLength(1);
  const failed = await call(routes.fail.POST, "POST", "/api/orchestration/fail", {
    token: agent.token,
    body: { subtask_uuid: pulled.body.assignments[0].subtask_uuid, error: `${"e".repeat(499)}😀 tail` }, // the task.failed event keeps 500
  });
  expect(failed.status).toBe(200);
});
