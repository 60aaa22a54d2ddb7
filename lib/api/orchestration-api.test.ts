import { beforeEach, describe, expect, it } from "vitest";
import * as routes from "@/lib/api/routes";
import { call } from "@/lib/testing/http";
import { sweep } from "@/lib/orchestration/sweep";
import pg from "pg";
import { db, pooled } from "@/lib/db";
import { truncateAll } from "@/lib/testing/database";
import { assign as pull, registerAgent as registerTestAgent, type TestAgent as Agent } from "@/lib/testing/agent-calls";

beforeEach(truncateAll);

// This file's agents take one task at a time unless a test says otherwise.
const registerAgent = (skills: string[], capacity = 1, name?: string) => registerTestAgent(skills, capacity, name);

async function decompose(body: unknown) {
  return call(routes.decompose.POST, "POST", "/api/orchestration/decompose", { body });
}

function plan(tasks: Array<Record<string, unknown>>) {
  return { goal: "explicit plan", plan: { tasks } };
}

describe("POST /api/orchestration/decompose", () => {
  it("answers each template with subtasks carrying priority, estimate, skills and dependencies", async () => {
    const cases: Array<[string, string, number]> = [
      ["analyze customer data trends", "analysis", 3],
      ["develop authentication system", "development", 4],
      ["Translate these 5 documents to Chinese: intro.md, getting-started.md, api-reference.md, tutorials.md, faq.md", "fan_out", 6],
      ["water the plants", "generic", 1],
    ];
    for (const [goal, template, count] of cases) {
      const res = await decompose({ goal, context: "Q4 2024" });
      expect(res.status).toBe(201);
      expect(res.body.template).toBe(template);
      expect(res.body.subtasks).toHaveLength(count);
      const byUuid = new Map(res.body.subtasks.map((s: { uuid: string; key: string }) => [s.uuid, s.key]));
      for (const s of res.body.subtasks) {
        expect(["CRITICAL", "HIGH", "MEDIUM", "LOW"]).toContain(s.priority);
        expect(s.estimated_duration_s).toBeGreaterThan(0);
        expect(Array.isArray(s.required_skills)).toBe(true);
        for (const d of s.dependencies) expect(byUuid.has(d)).toBe(true);
        expect(s.status).toBe(s.dependencies.length === 0 ? "pending" : "waiting");
      }
    }
    const goals = await call(routes.goals.GET, "GET", "/api/goals");
    expect(goals.body.goals).toHaveLength(4);
  });

  it("rejects a cycle, a dangling dependency, a duplicate key and a self dependency with 400 naming it, writing nothing", async () => {
    const before = await db().subtask.count();
    const cycle = await decompose(
      plan([
        { key: "A", name: "a", depends_on: ["B"] },
        { key: "B", name: "b", depends_on: ["A"] },
      ]),
    );
    expect(cycle.status).toBe(400);
    expect(cycle.body.error.message).toMatch(/cycle: (A → B → A|B → A → B)/);
    const dangling = await decompose(plan([{ key: "A", name: "a", depends_on: ["nope"] }]));
    expect(dangling.status).toBe(400);
    expect(dangling.body.error).toMatchObject({ code: "validation_failed", field: "plan.tasks[0].depends_on[0]" });
    expect(dangling.body.error.message).toContain('"nope"');
    const duplicate = await decompose(
      plan([
        { key: "A", name: "a" },
        { key: "A", name: "again" },
      ]),
    );
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.error).toMatchObject({ field: "plan.tasks[1].key", message: 'duplicate task key "A"' });
    const self = await decompose(plan([{ key: "A", name: "a", depends_on: ["A"] }]));
    expect(self.body.error.message).toBe('task "A" depends on itself');
    const unknownField = await decompose({ goal: "x", colour: "red" });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.field).toBe("colour");
    const missing = await decompose({});
    expect(missing.body.error).toMatchObject({ field: "goal", code: "validation_failed" });
    expect(await db().subtask.count()).toBe(before);
    expect(await db().goal.count()).toBe(0);
  });
});

describe("assignment order and skills", () => {
  it("hands out by priority, then longest remaining critical path, then age, and only to capable agents", async () => {
    await decompose(
      plan([
        { key: "low", name: "low", priority: "LOW", required_skills: ["py"] },
        { key: "short", name: "short", priority: "HIGH", estimated_duration_s: 10, required_skills: ["py"] },
        { key: "long", name: "long", priority: "HIGH", estimated_duration_s: 10, required_skills: ["py"] },
        { key: "after-long", name: "after long", depends_on: ["long"], estimated_duration_s: 500, required_skills: ["py"] },
        { key: "critical-go", name: "critical go", priority: "CRITICAL", required_skills: ["go"] },
      ]),
    );
    const python = await registerAgent(["py"], 10);
    const got = await pull(python, 2);
    expect(got.map((a) => a.key)).toEqual(["long", "short"]); // critical-go needs "go"; low waits
    expect(got[0]!.priority).toBe("HIGH");
    expect((await pull(python, 5)).map((a) => a.key)).toEqual(["low"]);
    const gopher = await registerAgent(["go", "py"], 1);
    expect((await pull(gopher)).map((a) => a.key)).toEqual(["critical-go"]);
    expect(await pull(gopher)).toEqual([]); // at capacity
  });

  it("lets the operator assign across all live agents: least loaded capable agent first", async () => {
    const created = await decompose(plan([1, 2, 3, 4].map((n) => ({ key: `t${n}`, name: `t${n}`, required_skills: ["sql"] }))));
    const a = await registerAgent(["sql"], 2, "a");
    const b = await registerAgent(["sql", "py"], 2, "b");
    const res = await call(routes.assign.POST, "POST", "/api/orchestration/assign", { body: {} });
    expect(res.status).toBe(200);
    const mine = res.body.assignments.filter((x: { goal_id: string }) => x.goal_id === created.body.goal_id);
    const perAgent = (id: string) => mine.filter((x: { agent_id: string }) => x.agent_id === id).length;
    expect(perAgent(a.agent_id)).toBe(2);
    expect(perAgent(b.agent_id)).toBe(2);
    expect(mine[0].agent_id).toBe(a.agent_id); // equal load: the closer skill match
  });
});

describe("liveness", () => {
  it("takes an agent past its heartbeat window offline and gives its task to another", async () => {
    const created = await decompose(plan([{ key: "job", name: "job", required_skills: ["ops"] }]));
    const first = await registerAgent(["ops"]);
    const [assignment] = await pull(first);
    expect(assignment!.key).toBe("job");
    const second = await registerAgent(["ops"]);
    expect(await pull(second)).toEqual([]);

    // The second agent keeps heartbeating; the first goes silent past the window.
    const later = new Date(Date.now() + 120_000);
    await db().agent.update({ where: { id: second.agent_id }, data: { lastHeartbeatAt: later } });
    const report = await sweep({ now: later, heartbeatTimeoutS: 30 });
    expect(report.agentsOffline).toEqual([first.agent_id]);
    expect(report.tasksRequeued).toEqual([assignment!.subtask_uuid]);

    const status = await call(routes.status.GET, "GET", "/api/orchestration/status");
    expect(status.body.agents.offline).toBe(1);
    const reassigned = await pull(second);
    expect(reassigned.map((a) => [a.subtask_uuid, a.attempt])).toEqual([[assignment!.subtask_uuid, 2]]);

    // The first agent comes back and reports its old attempt: refused, the new one stands.
    const late = await call(routes.complete.POST, "POST", "/api/orchestration/complete", {
      token: first.token,
      body: { subtask_uuid: assignment!.subtask_uuid, result: "late" },
    });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe("stale_attempt");
    const done = await call(routes.complete.POST, "POST", "/api/orchestration/complete", {
      token: second.token,
      body: { subtask_uuid: assignment!.subtask_uuid, result: "on time" },
    });
    expect(done.status).toBe(200);
    const goal = await call(routes.goal.GET, "GET", `/api/goals/${created.body.goal_id}`, { params: { id: created.body.goal_id } });
    expect(goal.body.subtasks[0]).toMatchObject({ status: "completed", result: "on time", agent_id: second.agent_id });
  });

  it("fails a poison task whose agents keep going offline under it, and skips what depends on it", async () => {
    const created = await decompose(
      plan([
        { key: "poison", name: "poison", max_attempts: 1 },
        { key: "after", name: "after", depends_on: ["poison"] },
      ]),
    );
    let now = Date.now();
    for (let round = 1; round <= 5; round++) {
      const agent = await registerAgent([]);
      await db().agent.update({ where: { id: agent.agent_id }, data: { lastHeartbeatAt: new Date(now) } });
      const [task] = await call(routes.assign.POST, "POST", "/api/orchestration/assign", {
        token: agent.token,
        body: { agent_id: agent.agent_id },
      }).then((r) => r.body.assignments);
      expect(task.key).toBe("poison");
      now += 120_000;
      const report = await sweep({ now: new Date(now), heartbeatTimeoutS: 30 });
      expect(report.agentsOffline).toContain(agent.agent_id);
      // Re-routed four times; the fifth loss (max(5, 2 × max_attempts)) fails it.
      expect(report.tasksRequeued).toEqual(round < 5 ? [task.subtask_uuid] : []);
    }
    const goal = await call(routes.goal.GET, "GET", `/api/goals/${created.body.goal_id}`, { params: { id: created.body.goal_id } });
    expect(goal.body.subtasks.map((s: { key: string; status: string }) => [s.key, s.status])).toEqual([
      ["poison", "failed"],
      ["after", "skipped"],
    ]);
    expect(goal.body.subtasks[0].error).toBe("failed: 5 agents went offline while running it");
    expect(goal.body.status).toBe("failed");
  });

  it("heartbeats keep an agent online and bring an offline one back", async () => {
    const agent = await registerAgent(["x"]);
    await db().agent.update({ where: { id: agent.agent_id }, data: { offline: true } });
    const beat = await call(routes.heartbeat.POST, "POST", "/api/orchestration/heartbeat", {
      token: agent.token,
      body: { agent_id: agent.agent_id },
    });
    expect(beat.body).toEqual({ agent_id: agent.agent_id, status: "idle" });
  });
});

describe("tokens", () => {
  it("401 without or with a wrong token, 403 acting as another agent or on its task", async () => {
    await decompose(plan([{ key: "t", name: "t" }]));
    const owner = await registerAgent(["any"]);
    const other = await registerAgent(["any"]);
    const [task] = await pull(owner);

    const noToken = await call(routes.heartbeat.POST, "POST", "/api/orchestration/heartbeat", { body: { agent_id: owner.agent_id } });
    expect(noToken.status).toBe(401);
    expect(noToken.body.error.code).toBe("unauthorized");
    const forged = await call(routes.heartbeat.POST, "POST", "/api/orchestration/heartbeat", {
      token: `${owner.agent_id}.not-the-secret`,
      body: { agent_id: owner.agent_id },
    });
    expect(forged.status).toBe(401);
    const garbage = await call(routes.complete.POST, "POST", "/api/orchestration/complete", {
      token: "garbage",
      body: { subtask_uuid: task!.subtask_uuid, result: "x" },
    });
    expect(garbage.status).toBe(401);

    const impersonate = await call(routes.assign.POST, "POST", "/api/orchestration/assign", {
      token: other.token,
      body: { agent_id: owner.agent_id },
    });
    expect(impersonate.status).toBe(403);
    const unregisterOther = await call(routes.unregister.POST, "POST", "/api/orchestration/unregister", {
      token: other.token,
      body: { agent_id: owner.agent_id },
    });
    expect(unregisterOther.status).toBe(403);
    const steal = await call(routes.complete.POST, "POST", "/api/orchestration/complete", {
      token: other.token,
      body: { subtask_uuid: task!.subtask_uuid, result: "mine now" },
    });
    expect(steal.status).toBe(403);
    const failOther = await call(routes.fail.POST, "POST", "/api/orchestration/fail", {
      token: other.token,
      body: { subtask_uuid: task!.subtask_uuid, error: "no" },
    });
    expect(failOther.status).toBe(403);

    const stored = await db().subtask.findUniqueOrThrow({ where: { id: task!.subtask_uuid } });
    expect(stored.status).toBe("running");
    expect(stored.agentId).toBe(owner.agent_id);
    const agents = await call(routes.agents.GET, "GET", "/api/agents");
    // No secret leaks: neither agent's token (nor any part of its secret), and no token or hash field.
    // (Usage fields such as input_tokens are counts, not credentials.)
    const listed = JSON.stringify(agents.body);
    for (const agent of [owner, other]) expect(listed).not.toContain(agent.token.split(".")[1]);
    expect(listed).not.toMatch(/"token(_hash)?"\s*:/);
  });

  it("an unregistered agent's token stops working and its task returns to the pool", async () => {
    await decompose(plan([{ key: "t", name: "t" }]));
    const agent = await registerAgent([]);
    const [task] = await pull(agent);
    const gone = await call(routes.unregister.POST, "POST", "/api/orchestration/unregister", {
      token: agent.token,
      body: { agent_id: agent.agent_id },
    });
    expect(gone.body).toEqual({ agent_id: agent.agent_id, released: [task!.subtask_uuid] });
    const again = await call(routes.heartbeat.POST, "POST", "/api/orchestration/heartbeat", {
      token: agent.token,
      body: { agent_id: agent.agent_id },
    });
    expect(again.status).toBe(401);
    expect((await db().subtask.findUniqueOrThrow({ where: { id: task!.subtask_uuid } })).status).toBe("pending");
  });
});

describe("completion and failure", () => {
  it("is idempotent for a repeated completion, and fences a superseded attempt with 409", async () => {
    await decompose(
      plan([
        { key: "a", name: "a", max_attempts: 3 },
        { key: "b", name: "b", depends_on: ["a"] },
      ]),
    );
    const agent = await registerAgent([]);
    const [a] = await pull(agent);
    const first = await call(routes.complete.POST, "POST", "/api/orchestration/complete", {
      token: agent.token,
      body: { subtask_uuid: a!.subtask_uuid, result: { rows: 3 }, attempt: 1 },
    });
    expect(first.status).toBe(200);
    expect(first.body.released).toHaveLength(1);
    expect(first.body.subtask.result).toBe('{"rows":3}');
    const repeat = await call(routes.complete.POST, "POST", "/api/orchestration/complete", {
      token: agent.token,
      body: { subtask_uuid: a!.subtask_uuid, result: "different", attempt: 1 },
    });
    expect(repeat.status).toBe(200);
    expect(repeat.body.released).toEqual([]);
    expect(repeat.body.subtask.result).toBe('{"rows":3}');
    expect(await db().event.count({ where: { type: "task.completed" } })).toBe(1);

    const [b] = await pull(agent);
    const failed = await call(routes.fail.POST, "POST", "/api/orchestration/fail", {
      token: agent.token,
      body: { subtask_uuid: b!.subtask_uuid, error: "boom" },
    });
    expect(failed.body.subtask).toMatchObject({ status: "retrying", failures: 1, error: "boom" });
    const stale = await call(routes.complete.POST, "POST", "/api/orchestration/complete", {
      token: agent.token,
      body: { subtask_uuid: b!.subtask_uuid, result: "too late", attempt: 1 },
    });
    expect(stale.status).toBe(409);
    const unknown = await call(routes.complete.POST, "POST", "/api/orchestration/complete", {
      token: agent.token,
      body: { subtask_uuid: "00000000-0000-4000-8000-000000000000", result: "x" },
    });
    expect(unknown.status).toBe(404);
  });

  it("fails for good after max attempts, skips dependents and ends the goal partial", async () => {
    const created = await decompose(
      plan([
        { key: "ok", name: "ok" },
        { key: "bad", name: "bad", max_attempts: 2 },
        { key: "after-bad", name: "after bad", depends_on: ["bad"] },
        { key: "after-after", name: "after after", depends_on: ["after-bad", "ok"] },
      ]),
    );
    const agent = await registerAgent([], 2);
    for (const t of await pull(agent)) {
      if (t.key === "ok")
        await call(routes.complete.POST, "POST", "/api/orchestration/complete", {
          token: agent.token,
          body: { subtask_uuid: t.subtask_uuid, result: "fine" },
        });
      else
        await call(routes.fail.POST, "POST", "/api/orchestration/fail", {
          token: agent.token,
          body: { subtask_uuid: t.subtask_uuid, error: "first" },
        });
    }
    let retried: Awaited<ReturnType<typeof pull>> = [];
    for (let i = 0; i < 200 && retried.length === 0; i++) {
      retried = await pull(agent); // the backoff is ~20 ms in tests
      if (retried.length === 0) await new Promise((r) => setTimeout(r, 10));
    }
    expect(retried.map((t) => [t.key, t.attempt])).toEqual([["bad", 2]]);
    const final = await call(routes.fail.POST, "POST", "/api/orchestration/fail", {
      token: agent.token,
      body: { subtask_uuid: retried[0]!.subtask_uuid, error: "second" },
    });
    expect(final.body.subtask.status).toBe("failed");
    const goal = await call(routes.goal.GET, "GET", `/api/goals/${created.body.goal_id}`, { params: { id: created.body.goal_id } });
    expect(goal.body.status).toBe("partial");
    expect(Object.fromEntries(goal.body.subtasks.map((s: { key: string; status: string }) => [s.key, s.status]))).toEqual({
      ok: "completed",
      bad: "failed",
      "after-bad": "skipped",
      "after-after": "skipped",
    });
    expect(goal.body.result).toMatchObject({ status: "partial", steps_completed: 1, steps_failed: 1, steps_skipped: 2 });
  });
});

describe("GET /api/goals/:id", () => {
  it("says the event log's last seq its read reflects (last_seq), which moves with every change", async () => {
    const created = await decompose(plan([{ key: "a", name: "A", required_skills: ["seq"] }]));
    const read = async () =>
      (await call(routes.goal.GET, "GET", `/api/goals/${created.body.goal_id}`, { params: { id: created.body.goal_id } })).body as {
        last_seq: number;
        subtasks: Array<{ status: string }>;
      };
    const lastEvent = async () => Number((await db().event.aggregate({ _max: { seq: true } }))._max.seq);
    const before = await read();
    expect(before.last_seq).toBe(await lastEvent());
    const agent = await registerAgent(["seq"]);
    await pull(agent);
    const after = await read();
    expect(after.subtasks[0]!.status).toBe("running");
    expect(after.last_seq).toBe(await lastEvent());
    expect(after.last_seq).toBeGreaterThan(before.last_seq);
  });

  it("stops last_seq below an event still in flight, though a later one has committed", async () => {
    const created = await decompose(plan([{ key: "a", name: "A" }]));
    const read = async () =>
      (
        (await call(routes.goal.GET, "GET", `/api/goals/${created.body.goal_id}`, { params: { id: created.body.goal_id } })).body as {
          last_seq: number;
        }
      ).last_seq;
    const settled = await read();
    // An event takes its seq in a transaction that has not committed; a later one commits.
    const inFlight = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await inFlight.connect();
    try {
      await inFlight.query("BEGIN");
      const held = await inFlight.query<{ seq: string }>(
        "INSERT INTO events (type, actor, data) VALUES ('agent.registered', 'test', '{}') RETURNING seq",
      );
      await pooled().$executeRawUnsafe("INSERT INTO events (type, actor, data) VALUES ('agent.registered', 'test', '{}')");
      expect(await read()).toBe(Number(held.rows[0]!.seq) - 1);
      expect(Number(held.rows[0]!.seq) - 1).toBe(settled);
      await inFlight.query("COMMIT");
      expect(await read()).toBe(Number(held.rows[0]!.seq) + 1);
    } finally {
      await inFlight.end();
    }
  });
});

describe("GET /api/goals/:id while an event is in flight", () => {
  it("lists the goal's events past last_seq that its read already reflects (reflected_seqs)", async () => {
    const created = await decompose(plan([{ key: "a", name: "A", required_skills: ["reflect"] }]));
    const goalId = created.body.goal_id as string;
    const read = async () =>
      (await call(routes.goal.GET, "GET", `/api/goals/${goalId}`, { params: { id: goalId } })).body as {
        last_seq: number;
        reflected_seqs: number[];
        subtasks: Array<{ status: string }>;
      };
    expect((await read()).reflected_seqs).toEqual([]);
    const inFlight = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await inFlight.connect();
    try {
      await inFlight.query("BEGIN");
      const held = Number(
        (
          await inFlight.query<{ seq: string }>(
            "INSERT INTO events (type, actor, data) VALUES ('agent.registered', 'test', '{}') RETURNING seq",
          )
        ).rows[0]!.seq,
      );
      // The goal moves while that event is still in flight: its pull's events commit past the hole.
      const agent = await registerAgent(["reflect"]);
      expect(await pull(agent)).toHaveLength(1);
      const goalSeqs = (
        await pooled().$queryRawUnsafe<Array<{ seq: string }>>(
          "SELECT seq::text FROM events WHERE goal_id = $1::uuid AND seq > $2 ORDER BY seq",
          goalId,
          held,
        )
      ).map((r) => Number(r.seq));
      expect(goalSeqs.length).toBeGreaterThan(0);
      const during = await read();
      expect(during.last_seq).toBe(held - 1);
      expect(during.subtasks[0]!.status).toBe("running");
      expect(during.reflected_seqs).toEqual(goalSeqs);
      await inFlight.query("COMMIT");
      const after = await read();
      expect(after.reflected_seqs).toEqual([]);
      expect(after.last_seq).toBeGreaterThanOrEqual(goalSeqs.at(-1)!);
    } finally {
      await inFlight.end();
    }
  });
});

describe("GET /api/orchestration/tensor", () => {
  it("has 1.0 on the assigned agent at the task's level, and open rows summing to 1 over capable agents (0 where none)", async () => {
    const created = await decompose(
      plan([
        { key: "held", name: "held", priority: "HIGH", required_skills: ["a"] },
        { key: "open", name: "open", priority: "LOW", required_skills: ["a"], depends_on: ["held"] },
        { key: "orphan", name: "orphan", priority: "CRITICAL", required_skills: ["nobody-has-this"] },
      ]),
    );
    const holder = await registerAgent(["a"], 1);
    const other = await registerAgent(["a", "b"], 1);
    const bystander = await registerAgent(["b"], 1);
    const [held] = await pull(holder);
    const res = await call(routes.tensor.GET, "GET", "/api/orchestration/tensor", { query: { goal_id: created.body.goal_id } });
    expect(res.status).toBe(200);
    const { shape, task_ids, agent_ids, data } = res.body as {
      shape: number[];
      task_ids: string[];
      agent_ids: string[];
      data: number[][][];
    };
    expect(shape).toEqual([3, 3, 4]);
    const i = (key: string) => task_ids.indexOf(created.body.subtasks.find((s: { key: string }) => s.key === key).uuid);
    const j = (a: Agent) => agent_ids.indexOf(a.agent_id);
    expect(i("held")).toBe(task_ids.indexOf(held!.subtask_uuid));
    expect(data[i("held")]![j(holder)]).toEqual([0, 1, 0, 0]);
    expect(data[i("held")]!.flat().reduce((s, v) => s + v, 0)).toBe(1);
    const open = data[i("open")]!;
    expect(open.reduce((s, cell) => s + cell[3]!, 0)).toBeCloseTo(1, 6);
    expect(open[j(bystander)]![3]).toBe(0);
    expect(open[j(other)]![3]).toBeGreaterThan(open[j(holder)]![3]!); // the idle one is likelier
    expect(data[i("orphan")]!.flat().every((v) => v === 0)).toBe(true);

    const sparse = await call(routes.tensor.GET, "GET", "/api/orchestration/tensor", {
      query: { goal_id: created.body.goal_id, format: "sparse" },
    });
    expect(sparse.body.entries).toContainEqual([i("held"), j(holder), 1, 1]);
    const binary = await call(routes.tensor.GET, "GET", "/api/orchestration/tensor", {
      query: { goal_id: created.body.goal_id, format: "binary" },
    });
    expect(binary.headers.get("x-tensor-shape")).toBe("3,3,4");
    const floats = new Float32Array(binary.body as ArrayBuffer);
    expect(floats[(i("held") * 3 + j(holder)) * 4 + 1]).toBe(1);
    expect(floats.length).toBe(36);
  });
});
