// completeTasks / POST /api/orchestration/complete-batch: many completions in one
// transaction, fenced item by item like completeTask, releasing dependents once.
import { describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { db } from "@/lib/db";
import { eventPayloadProblem } from "@/lib/domain";
import * as routes from "@/lib/api/routes";
import { call } from "@/lib/testing/http";
import { createGoal } from "@/lib/orchestration/create-goal";
import { registerAgent } from "@/lib/orchestration/agents";
import { pullTasks } from "@/lib/orchestration/assign-tasks";
import { completeTasks, failTask } from "@/lib/orchestration/report-result";

async function statusOf(goalId: string): Promise<Record<string, string>> {
  const rows = await db().subtask.findMany({ where: { goalId }, select: { key: true, status: true } });
  return Object.fromEntries(rows.map((r) => [r.key, r.status]));
}

describe("completeTasks", () => {
  it("completes several tasks in one call and releases a shared dependent once", async () => {
    const goal = await createGoal({
      goal: "diamond",
      actor: "test",
      plan: {
        tasks: [
          { key: "a", name: "A" },
          { key: "b", name: "B" },
          { key: "c", name: "C", depends_on: ["a", "b"] },
        ],
      },
    });
    const agent = await registerAgent({ skills: [], capacity: 5 });
    const pulled = await pullTasks({ agentId: agent.id });
    expect(pulled.map((p) => p.key).sort()).toEqual(["a", "b"]);

    const outcomes = await completeTasks(
      pulled.map((p) => ({ subtaskId: p.subtaskId, agentId: agent.id, attempt: p.attempt, result: `done ${p.key}` })),
    );
    expect(outcomes.map((o) => o.ok)).toEqual([true, true]);
    const c = goal.subtasks.find((s) => s.key === "c")!;
    const released = outcomes.flatMap((o) => (o.ok ? o.released : []));
    expect(released).toEqual([c.id]);
    expect(await statusOf(goal.goalId!)).toEqual({ a: "completed", b: "completed", c: "pending" });

    const events = await db().event.findMany({
      where: { goalId: goal.goalId! },
      orderBy: { seq: "asc" },
      select: { type: true, subtaskId: true },
    });
    expect(events.filter((e) => e.type === "task.completed")).toHaveLength(2);
    expect(events.filter((e) => e.type === "task.ready")).toEqual([{ type: "task.ready", subtaskId: c.id }]);
    const row = await db().agent.findUniqueOrThrow({ where: { id: agent.id } });
    expect(row.running).toBe(0);
    expect(row.tasksDone).toBe(2);

    // The last task, through the batch path: the goal is finalized with its result.
    const [last] = await pullTasks({ agentId: agent.id });
    expect(last!.inputs.map((i) => i.result).sort()).toEqual(["done a", "done b"]);
    await completeTasks([{ subtaskId: last!.subtaskId, agentId: agent.id, result: "all done" }]);
    const finished = await db().goal.findUniqueOrThrow({ where: { id: goal.goalId! } });
    expect(finished.status).toBe("complete");
  });

  it("releases and logs the same whether the writes go with COMMIT or step by step (a completion with usage)", async () => {
    const run = async (usage?: { input_tokens: number; output_tokens: number; cost_usd: number }) => {
      const goal = await createGoal({
        goal: usage ? "diamond with usage" : "diamond",
        actor: "test",
        plan: {
          tasks: [
            { key: "a", name: "A" },
            { key: "b", name: "B" },
            { key: "c", name: "C", depends_on: ["a", "b"] },
            { key: "d", name: "D", depends_on: ["a"] },
          ],
        },
      });
      const keyOf = new Map(goal.subtasks.map((t) => [t.id, t.key]));
      const idOf = (key: string) => goal.subtasks.find((t) => t.key === key)!.id;
      // The release names the parent with the greatest id among those completed in the batch.
      const lastParent: Record<string, string> = { c: [idOf("a"), idOf("b")].sort().at(-1)!, d: idOf("a") };
      const agent = await registerAgent({ skills: [], capacity: 5 });
      const pulled = await pullTasks({ agentId: agent.id });
      const outcomes = await completeTasks(
        pulled.map((p) => ({ subtaskId: p.subtaskId, agentId: agent.id, attempt: p.attempt, result: `done ${p.key}`, usage })),
      );
      const events = await db().event.findMany({
        where: { goalId: goal.goalId!, type: { in: ["task.completed", "task.ready"] } },
        orderBy: { seq: "asc" },
        select: { type: true, actor: true, subtaskId: true, agentId: true, data: true },
      });
      for (const e of events) expect(eventPayloadProblem({ type: e.type, data: e.data })).toBeNull();
      // The completions first, then the tasks they made ready (in no particular order among themselves).
      expect(events.map((e) => e.type)).toEqual(["task.completed", "task.completed", "task.ready", "task.ready"]);
      events.sort((x, y) => (x.type + keyOf.get(x.subtaskId!)!).localeCompare(y.type + keyOf.get(y.subtaskId!)!));
      return {
        released: outcomes.flatMap((o): unknown[] => (o.ok ? o.released.map((id) => keyOf.get(id)) : [o])).sort(),
        status: await statusOf(goal.goalId!),
        events: events.map((e) => {
          const data = e.data as Record<string, unknown>;
          return {
            type: e.type,
            actor: e.actor === `agent:${agent.id}` ? "the agent" : e.actor,
            task: keyOf.get(e.subtaskId!),
            agent: e.agentId === null ? null : e.agentId === agent.id,
            data: {
              ...data,
              ...(data.after ? { after: data.after === lastParent[keyOf.get(e.subtaskId!)!] ? "its last parent" : data.after } : {}),
              ...(typeof data.duration_ms === "number" ? { duration_ms: "ms" } : {}),
            },
          };
        }),
      };
    };
    const plain = await run();
    expect(plain.released).toEqual(["c", "d"]);
    expect(plain.status).toEqual({ a: "completed", b: "completed", c: "pending", d: "pending" });
    expect(plain.events.map((e) => `${e.type} ${e.task}`).sort()).toEqual([
      "task.completed a",
      "task.completed b",
      "task.ready c",
      "task.ready d",
    ]);
    expect(plain.events.find((e) => e.task === "c")).toEqual({
      type: "task.ready",
      actor: "the agent",
      task: "c",
      agent: null,
      data: { status: "pending", after: "its last parent" },
    });
    const metered = await run({ input_tokens: 10, output_tokens: 5, cost_usd: 0.01 });
    expect(metered).toEqual(plain);
  });

  it("fences each item on its own: stale, foreign, unknown and repeated reports beside a good one", async () => {
    const goal = await createGoal({
      goal: "fencing",
      actor: "test",
      plan: {
        tasks: [
          { key: "x", name: "X", priority: 0 },
          { key: "y", name: "Y", priority: 0 },
          { key: "z", name: "Z", priority: 1 },
          { key: "w", name: "W", depends_on: ["y"] },
        ],
      },
    });
    const ids = Object.fromEntries(goal.subtasks.map((s) => [s.key, s.id]));
    const me = await registerAgent({ skills: [], capacity: 2 });
    const other = await registerAgent({ skills: [], capacity: 1 });
    const mine = await pullTasks({ agentId: me.id });
    const theirs = await pullTasks({ agentId: other.id });
    expect(mine.map((m) => m.key).sort()).toEqual(["x", "y"]);
    expect(theirs.map((m) => m.key)).toEqual(["z"]);

    // x: attempt 1 fails and is retried as attempt 2, so a report for attempt 1 is stale.
    await failTask({ subtaskId: ids.x!, agentId: me.id, attempt: 1, error: "boom" });
    const retried = await pullTasks({ agentId: me.id, now: new Date(Date.now() + 60_000) });
    expect(retried.map((r) => [r.key, r.attempt])).toEqual([["x", 2]]);

    const outcomes = await completeTasks([
      { subtaskId: ids.x!, agentId: me.id, attempt: 1, result: "late" },
      { subtaskId: ids.y!, agentId: me.id, attempt: 1, result: "good" },
      { subtaskId: ids.z!, agentId: me.id, result: "not mine" },
      { subtaskId: randomUUID(), agentId: me.id, result: "nothing" },
      { subtaskId: ids.y!, agentId: me.id, attempt: 1, result: "good" },
    ]);
    expect(outcomes.map((o) => (o.ok ? (o.repeated ? "repeated" : "ok") : o.error.code))).toEqual([
      "stale_attempt",
      "ok",
      "forbidden",
      "not_found",
      "repeated",
    ]);
    expect(outcomes[1]!.ok && outcomes[1]!.released).toEqual([ids.w]);
    expect(await statusOf(goal.goalId!)).toEqual({ x: "running", y: "completed", z: "running", w: "pending" });
    const attempts = await db().attempt.findMany({
      where: { subtaskId: ids.x! },
      orderBy: { number: "asc" },
      select: { number: true, outcome: true },
    });
    expect(attempts).toEqual([
      { number: 1, outcome: "failed" },
      { number: 2, outcome: "running" },
    ]);

    // A batch of only refused items changes nothing; a repeat of the good one stays idempotent.
    const again = await completeTasks([{ subtaskId: ids.y!, agentId: me.id, attempt: 1, result: "good" }]);
    expect(again[0]).toMatchObject({ ok: true, repeated: true, released: [] });
    const w = await db().subtask.findUniqueOrThrow({ where: { id: ids.w! } });
    expect(w.pendingDeps).toBe(0);
    const completedEvents = await db().event.count({ where: { subtaskId: ids.y!, type: "task.completed" } });
    expect(completedEvents).toBe(1);
  });
});

describe("POST /api/orchestration/complete-batch", () => {
  it("answers per item in request order, with the status each would have had alone", async () => {
    const reg = await call(routes.register.POST, "POST", "/api/orchestration/register", { body: { skills: [], capacity: 2 } });
    const agent = reg.body as { agent_id: string; token: string };
    const created = await call(routes.decompose.POST, "POST", "/api/orchestration/decompose", {
      body: {
        goal: "batch over http",
        plan: {
          tasks: [
            { key: "p", name: "P", priority: 0 },
            { key: "q", name: "Q", priority: 0 },
            { key: "r", name: "R", depends_on: ["p", "q"] },
          ],
        },
      },
    });
    expect(created.status).toBe(201);
    const pulled = await call(routes.assign.POST, "POST", "/api/orchestration/assign", {
      token: agent.token,
      body: { agent_id: agent.agent_id },
    });
    const assignments = pulled.body.assignments as Array<{ subtask_uuid: string; attempt: number; key: string }>;
    // Critical first: the two tasks of this goal, not what earlier tests left ready.
    expect(assignments.map((a) => a.key).sort()).toEqual(["p", "q"]);
    const unknown = randomUUID();
    const res = await call(routes.completeBatch.POST, "POST", "/api/orchestration/complete-batch", {
      token: agent.token,
      body: {
        completions: [
          ...assignments.map((a) => ({ subtask_uuid: a.subtask_uuid, attempt: a.attempt, result: { key: a.key } })),
          { subtask_uuid: unknown, result: "?" },
        ],
      },
    });
    expect(res.status).toBe(200);
    const results = res.body.results as Array<{
      subtask_uuid: string;
      ok: boolean;
      status: string | number;
      released?: string[];
      error?: { code: string };
    }>;
    expect(results.map((r) => r.subtask_uuid)).toEqual([...assignments.map((a) => a.subtask_uuid), unknown]);
    expect(results.slice(0, 2).map((r) => [r.ok, r.status])).toEqual([
      [true, "completed"],
      [true, "completed"],
    ]);
    expect(results.flatMap((r) => r.released ?? [])).toHaveLength(1);
    expect(results[2]).toMatchObject({ ok: false, status: 404, error: { code: "not_found" } });

    const bad = await call(routes.completeBatch.POST, "POST", "/api/orchestration/complete-batch", {
      token: agent.token,
      body: { completions: [] },
    });
    expect(bad.status).toBe(400);
    const anonymous = await call(routes.completeBatch.POST, "POST", "/api/orchestration/complete-batch", {
      body: { completions: [{ subtask_uuid: unknown, result: "x" }] },
    });
    expect(anonymous.status).toBe(401);
  });
});
