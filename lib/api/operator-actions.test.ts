import { beforeEach, describe, expect, it } from "vitest";
import * as routes from "@/lib/api/routes";
import { call } from "@/lib/testing/http";
import { db } from "@/lib/db";
import { truncateAll } from "@/lib/testing/database";
import { assign as pull, createPlanGoal, registerAgent as registerTestAgent } from "@/lib/testing/agent-calls";

beforeEach(truncateAll);

type Agent = { agent_id: string; token: string };
type Task = {
  uuid: string;
  key: string;
  status: string;
  attempt: number;
  failures: number;
  agent_id: string | null;
  error: string | null;
  result: string | null;
};

// This file's agents take one task at a time unless a test says otherwise.
const registerAgent = (skills: string[], capacity = 1, name?: string) => registerTestAgent(skills, capacity, name);

async function complete(agent: Agent, subtask: string, result: string, attempt?: number) {
  return call(routes.complete.POST, "POST", "/api/orchestration/complete", {
    token: agent.token,
    body: { subtask_uuid: subtask, result, attempt },
  });
}

async function fail(agent: Agent, subtask: string, error: string) {
  return call(routes.fail.POST, "POST", "/api/orchestration/fail", { token: agent.token, body: { subtask_uuid: subtask, error } });
}

const createGoal = (tasks: Array<Record<string, unknown>>) => createPlanGoal("operator test", tasks);

async function getTask(id: string): Promise<Task & { attempts: Array<{ number: number; agent_id: string; outcome: string }> }> {
  const res = await call(routes.task.GET, "GET", `/api/tasks/${id}`, { params: { id } });
  expect(res.status).toBe(200);
  return res.body;
}

async function getGoal(id: string) {
  return (await call(routes.goal.GET, "GET", `/api/goals/${id}`, { params: { id } })).body;
}

async function agentRunning(id: string): Promise<number> {
  const res = await call(routes.agents.GET, "GET", "/api/agents");
  return res.body.agents.find((a: { id: string }) => a.id === id).running;
}

const retry = (id: string) => call(routes.taskRetry.POST, "POST", `/api/tasks/${id}/retry`, { params: { id } });
const reassign = (id: string, agentId: string) =>
  call(routes.taskReassign.POST, "POST", `/api/tasks/${id}/reassign`, { params: { id }, body: { agent_id: agentId } });
const cancelTask = (id: string) => call(routes.taskCancel.POST, "POST", `/api/tasks/${id}/cancel`, { params: { id } });
const cancelGoal = (id: string) => call(routes.goalCancel.POST, "POST", `/api/goals/${id}/cancel`, { params: { id } });

async function eventsOf(goalId: string) {
  const res = await call(routes.events.GET, "GET", "/api/events", { query: { goal_id: goalId, limit: "5000" } });
  expect(res.status).toBe(200);
  return res.body.events as Array<{ seq: number; type: string; subtask_id: string | null; actor: string; data: Record<string, unknown> }>;
}

// A → B → C, and D independent of them.
const CHAIN = [
  { key: "A", name: "a", required_skills: ["x"], max_attempts: 1 },
  { key: "B", name: "b", required_skills: ["x"], depends_on: ["A"] },
  { key: "C", name: "c", required_skills: ["x"], depends_on: ["B"] },
  { key: "D", name: "d", required_skills: ["y"] },
];

describe("POST /api/tasks/:id/retry", () => {
  it("puts a failed task back to pending with a fresh budget, un-skips its dependents and reopens the goal", async () => {
    const agent = await registerAgent(["x", "y"], 4);
    const { goalId, ids } = await createGoal(CHAIN);
    const first = await pull(agent);
    expect(first.map((a) => a.key).sort()).toEqual(["A", "D"]);
    expect((await complete(agent, ids.D!, "d done")).status).toBe(200);
    expect((await fail(agent, ids.A!, "boom")).status).toBe(200);
    expect((await getTask(ids.B!)).status).toBe("skipped");
    expect((await getTask(ids.C!)).status).toBe("skipped");
    const finished = await getGoal(goalId);
    expect(finished.status).toBe("partial");
    expect(finished.result).not.toBeNull();

    const res = await retry(ids.A!);
    expect(res.status).toBe(200);
    expect(res.body.subtask.status).toBe("pending");
    expect(res.body.subtask.failures).toBe(0);
    expect(res.body.subtask.error).toBeNull();
    expect(res.body.unskipped.sort()).toEqual([ids.B, ids.C].sort());
    expect((await getTask(ids.B!)).status).toBe("waiting");
    expect((await getTask(ids.C!)).status).toBe("waiting");
    const reopened = await getGoal(goalId);
    expect(reopened.status).toBe("running");
    expect(reopened.result).toBeNull();

    // The chain now runs to the end: the un-skipped dependents are released in order.
    for (const key of ["A", "B", "C"]) {
      const [a] = await pull(agent);
      expect(a!.key).toBe(key);
      expect((await complete(agent, a!.subtask_uuid, `${key} done`)).status).toBe(200);
    }
    expect((await getGoal(goalId)).status).toBe("complete");
    expect((await getTask(ids.A!)).attempts.map((t) => t.outcome)).toEqual(["failed", "completed"]);

    const events = await eventsOf(goalId);
    const retried = events.find((e) => e.type === "task.retried");
    expect(retried).toMatchObject({ subtask_id: ids.A, actor: "operator", data: { status: "pending", previous_status: "failed" } });
    expect(
      events
        .filter((e) => e.type === "task.unskipped")
        .map((e) => e.subtask_id)
        .sort(),
    ).toEqual([ids.B, ids.C].sort());
    expect(events.find((e) => e.type === "goal.reopened")).toMatchObject({ actor: "operator", data: { previous_status: "partial" } });
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it("un-skips only the dependents whose other dependencies can still complete", async () => {
    const agent = await registerAgent(["x"], 4);
    // J needs both P and Q; Q fails too, so retrying P alone cannot bring J back.
    const { ids } = await createGoal([
      { key: "P", name: "p", required_skills: ["x"], max_attempts: 1 },
      { key: "Q", name: "q", required_skills: ["x"], max_attempts: 1 },
      { key: "J", name: "j", required_skills: ["x"], depends_on: ["P", "Q"] },
      { key: "K", name: "k", required_skills: ["x"], depends_on: ["P"] },
    ]);
    await pull(agent);
    expect((await fail(agent, ids.P!, "p broke")).status).toBe(200);
    expect((await fail(agent, ids.Q!, "q broke")).status).toBe(200);
    const res = await retry(ids.P!);
    expect(res.status).toBe(200);
    expect(res.body.unskipped).toEqual([ids.K]);
    expect((await getTask(ids.J!)).status).toBe("skipped");
    expect((await getTask(ids.K!)).status).toBe("waiting");
    // Retrying Q as well brings J back.
    expect((await retry(ids.Q!)).body.unskipped).toEqual([ids.J]);
    expect((await getTask(ids.J!)).status).toBe("waiting");
  });

  it("answers 409 for a task that is not failed, cancelled or skipped, and for a skipped task whose dependency is dead", async () => {
    const agent = await registerAgent(["x"], 4);
    const { ids } = await createGoal(CHAIN.slice(0, 3));
    const pending = await retry(ids.A!);
    expect(pending.status).toBe(409);
    expect(pending.body.error.code).toBe("conflict");
    expect(pending.body.error.message).toMatch(/A is pending/);
    const [a] = await pull(agent);
    expect((await retry(a!.subtask_uuid)).status).toBe(409); // running
    await fail(agent, ids.A!, "nope");
    const skipped = await retry(ids.B!);
    expect(skipped.status).toBe(409);
    expect(skipped.body.error.message).toMatch(/dependency A is failed/);
    expect((await getTask(ids.B!)).status).toBe("skipped"); // nothing changed
    const missing = await retry("00000000-0000-4000-8000-000000000000");
    expect(missing.status).toBe(404);
  });

  it("retries a completed goal's task: 409 (nothing to retry)", async () => {
    const agent = await registerAgent(["x"]);
    const { ids } = await createGoal([{ key: "A", name: "a", required_skills: ["x"] }]);
    await pull(agent);
    await complete(agent, ids.A!, "ok");
    const res = await retry(ids.A!);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/completed/);
  });
});

describe("POST /api/tasks/:id/reassign", () => {
  it("moves a running task to another capable agent, supersedes the old attempt and refuses the old agent's late completion", async () => {
    const oldAgent = await registerAgent(["x"], 2, "old");
    const newAgent = await registerAgent(["x", "z"], 1, "new");
    const { goalId, ids } = await createGoal([{ key: "A", name: "a", required_skills: ["x"] }]);
    const [a] = await pull(oldAgent);
    expect(a!.attempt).toBe(1);
    expect(await agentRunning(oldAgent.agent_id)).toBe(1);

    const res = await reassign(ids.A!, newAgent.agent_id);
    expect(res.status).toBe(200);
    expect(res.body.subtask).toMatchObject({ status: "running", agent_id: newAgent.agent_id, attempt: 2 });
    expect(res.body.assignment).toMatchObject({ subtask_uuid: ids.A, agent_id: newAgent.agent_id, attempt: 2 });
    expect(res.body.superseded_attempt).toBe(1);
    expect(res.body.subtask.attempts.map((t: { outcome: string; agent_id: string }) => [t.outcome, t.agent_id])).toEqual([
      ["superseded", oldAgent.agent_id],
      ["running", newAgent.agent_id],
    ]);
    expect(await agentRunning(oldAgent.agent_id)).toBe(0);
    expect(await agentRunning(newAgent.agent_id)).toBe(1);
    // The new agent is handed the attempt by its next assign call, once.
    const handed = await pull(newAgent);
    expect(handed).toEqual([expect.objectContaining({ subtask_uuid: ids.A, attempt: 2 })]);
    expect(await pull(newAgent)).toEqual([]);
    expect(await pull(oldAgent)).toEqual([]);

    const late = await complete(oldAgent, ids.A!, "stale result", 1);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe("stale_attempt");
    const lateNoAttempt = await complete(oldAgent, ids.A!, "stale result");
    expect(lateNoAttempt.status).toBe(409);
    const lateFail = await fail(oldAgent, ids.A!, "late failure");
    expect(lateFail.status).toBe(409);

    const done = await complete(newAgent, ids.A!, "fresh result", 2);
    expect(done.status).toBe(200);
    const task = await getTask(ids.A!);
    expect(task.result).toBe("fresh result");
    expect((await getGoal(goalId)).status).toBe("complete");

    const events = await eventsOf(goalId);
    expect(events.find((e) => e.type === "task.reassigned")).toMatchObject({
      actor: "operator",
      data: { from_agent: oldAgent.agent_id, to_agent: newAgent.agent_id, superseded_attempt: 1, attempt: 2 },
    });
    expect(events.find((e) => e.type === "task.superseded")).toMatchObject({ actor: "operator", data: { attempt: 1 } });
  });

  it("assigns a pending task straight to the chosen agent, even past its capacity", async () => {
    const busy = await registerAgent(["x"], 1);
    const { ids } = await createGoal([
      { key: "A", name: "a", required_skills: ["x"], priority: "CRITICAL" },
      { key: "B", name: "b", required_skills: ["x"], priority: "LOW" },
    ]);
    const [a] = await pull(busy);
    expect(a!.key).toBe("A");
    const res = await reassign(ids.B!, busy.agent_id);
    expect(res.status).toBe(200);
    expect(res.body.subtask).toMatchObject({ status: "running", agent_id: busy.agent_id, attempt: 1 });
    expect(res.body.superseded_attempt).toBeNull();
    expect(await agentRunning(busy.agent_id)).toBe(2);
    // Its next pull hands it B and nothing new (it is over capacity).
    expect((await pull(busy)).map((x) => x.key)).toEqual(["B"]);
    expect(await pull(busy)).toEqual([]);
  });

  it("hands a reassigned task over with fresh work up to the agent's free capacity", async () => {
    const first = await registerAgent(["x"], 1);
    const second = await registerAgent(["x"], 3);
    const { ids } = await createGoal([
      { key: "A", name: "a", required_skills: ["x"], priority: "CRITICAL" },
      { key: "B", name: "b", required_skills: ["x"] },
      { key: "C", name: "c", required_skills: ["x"] },
      { key: "D", name: "d", required_skills: ["x"] },
    ]);
    expect((await pull(first)).map((x) => x.key)).toEqual(["A"]);
    expect((await reassign(ids.A!, second.agent_id)).status).toBe(200);
    const got = await pull(second);
    expect(got[0]!.key).toBe("A"); // handed over first, then two fresh ones (of B, C, D)
    expect(got).toHaveLength(3);
    expect(got[0]!.attempt).toBe(2);
    expect(await agentRunning(second.agent_id)).toBe(3);
  });

  it("work the operator assigns across all agents reaches each agent on its next pull", async () => {
    const one = await registerAgent(["x"], 2);
    const two = await registerAgent(["x"], 2);
    await createGoal([1, 2, 3].map((n) => ({ key: `T${n}`, name: `t${n}`, required_skills: ["x"] })));
    const res = await call(routes.assign.POST, "POST", "/api/orchestration/assign", { body: {} });
    expect(res.status).toBe(200);
    const byAgent = (id: string) =>
      res.body.assignments
        .filter((x: { agent_id: string }) => x.agent_id === id)
        .map((x: { subtask_uuid: string }) => x.subtask_uuid)
        .sort();
    expect(byAgent(one.agent_id).length + byAgent(two.agent_id).length).toBe(3);
    expect((await pull(one)).map((x) => x.subtask_uuid).sort()).toEqual(byAgent(one.agent_id));
    expect((await pull(two)).map((x) => x.subtask_uuid).sort()).toEqual(byAgent(two.agent_id));
    expect(await pull(one)).toEqual([]);
  });

  it("answers 409 naming why: missing skills, offline agent, waiting or finished task, same agent; 404 for an unknown agent", async () => {
    const worker = await registerAgent(["x"], 2, "worker");
    const painter = await registerAgent(["paint"], 1, "painter");
    const sleeper = await registerAgent(["x"], 1, "sleeper");
    await db().$executeRaw`UPDATE agents SET offline = true WHERE id = ${sleeper.agent_id}::uuid`;
    const { ids } = await createGoal(CHAIN.slice(0, 2));

    const skills = await reassign(ids.A!, painter.agent_id);
    expect(skills.status).toBe(409);
    expect(skills.body.error).toMatchObject({ code: "conflict", field: "agent_id" });
    expect(skills.body.error.message).toMatch(/painter lacks the skills x/);
    const offline = await reassign(ids.A!, sleeper.agent_id);
    expect(offline.status).toBe(409);
    expect(offline.body.error.message).toMatch(/sleeper is offline/);
    const waiting = await reassign(ids.B!, worker.agent_id);
    expect(waiting.status).toBe(409);
    expect(waiting.body.error.message).toMatch(/B is waiting/);
    const unknown = await reassign(ids.A!, "00000000-0000-4000-8000-000000000000");
    expect(unknown.status).toBe(404);

    await pull(worker);
    const same = await reassign(ids.A!, worker.agent_id);
    expect(same.status).toBe(409);
    expect(same.body.error.message).toMatch(/already running on agent worker/);
    await complete(worker, ids.A!, "ok");
    const finished = await reassign(ids.A!, worker.agent_id);
    expect(finished.status).toBe(409);
    expect(finished.body.error.message).toMatch(/A is completed/);
    // Nothing changed by the refusals.
    const task = await getTask(ids.A!);
    expect(task.attempts).toHaveLength(1);
    expect(task.status).toBe("completed");
  });
});

describe("POST /api/tasks/:id/cancel", () => {
  it("cancels a running task, ends its attempt, skips what depends on it and refuses the agent's late result", async () => {
    const agent = await registerAgent(["x", "y"], 4);
    const { goalId, ids } = await createGoal(CHAIN);
    await pull(agent); // A and D running
    const res = await cancelTask(ids.A!);
    expect(res.status).toBe(200);
    expect(res.body.subtask.status).toBe("cancelled");
    expect(res.body.subtask.attempts.map((t: { outcome: string }) => t.outcome)).toEqual(["cancelled"]);
    expect(res.body.skipped.sort()).toEqual([ids.B, ids.C].sort());
    expect((await getTask(ids.C!)).status).toBe("skipped");
    expect(await agentRunning(agent.agent_id)).toBe(1); // only D left

    const late = await complete(agent, ids.A!, "too late");
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe("stale_attempt");

    expect((await getGoal(goalId)).status).toBe("running"); // D still runs
    await complete(agent, ids.D!, "d done");
    const goal = await getGoal(goalId);
    expect(goal.status).toBe("partial");
    expect(goal.result.steps_cancelled).toBe(1);

    const again = await cancelTask(ids.A!);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/A is cancelled/);
    const events = await eventsOf(goalId);
    expect(events.find((e) => e.type === "task.cancelled")).toMatchObject({
      subtask_id: ids.A,
      actor: "operator",
      data: { previous_status: "running", attempt: 1 },
    });
    expect(events.filter((e) => e.type === "task.skipped" && e.actor === "operator")).toHaveLength(2);

    // A cancelled task can be retried, and its skipped dependents come back.
    const retried = await retry(ids.A!);
    expect(retried.status).toBe(200);
    expect(retried.body.unskipped.sort()).toEqual([ids.B, ids.C].sort());
    expect((await getGoal(goalId)).status).toBe("running");
  });

  it("cancelling a goal's last open task closes the goal", async () => {
    await registerAgent(["x"]);
    const { goalId, ids } = await createGoal([{ key: "A", name: "a", required_skills: ["x"] }]);
    expect((await cancelTask(ids.A!)).status).toBe(200);
    const goal = await getGoal(goalId);
    expect(goal.status).toBe("failed");
    expect(goal.result.steps_cancelled).toBe(1);
  });
});

describe("POST /api/goals/:id/cancel", () => {
  it("cancels every open task, frees the agents, closes the goal as cancelled with its results aggregated", async () => {
    const agent = await registerAgent(["x", "y"], 4);
    const { goalId, ids } = await createGoal(CHAIN);
    await pull(agent);
    await complete(agent, ids.D!, "d done"); // A running, B and C waiting
    const res = await cancelGoal(goalId);
    expect(res.status).toBe(200);
    expect(res.body.goal.status).toBe("cancelled");
    expect(res.body.goal.result).toMatchObject({ status: "cancelled", steps_completed: 1, steps_cancelled: 3 });
    const statuses = Object.fromEntries(res.body.goal.subtasks.map((s: Task) => [s.key, s.status]));
    expect(statuses).toEqual({ A: "cancelled", B: "cancelled", C: "cancelled", D: "completed" });
    expect(await agentRunning(agent.agent_id)).toBe(0);
    expect((await getTask(ids.A!)).attempts.map((t) => t.outcome)).toEqual(["cancelled"]);
    expect((await complete(agent, ids.A!, "late")).status).toBe(409);

    const again = await cancelGoal(goalId);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/already cancelled/);
    expect((await cancelGoal("00000000-0000-4000-8000-000000000000")).status).toBe(404);

    const events = await eventsOf(goalId);
    expect(events.find((e) => e.type === "goal.cancelled")).toMatchObject({ actor: "operator", data: { tasks_cancelled: 3 } });
    expect(events.filter((e) => e.type === "task.cancelled").every((e) => e.actor === "operator")).toBe(true);
    expect(events.at(-1)!.type).toBe("goal.finished");
  });

  it("cancelling while agents pull and complete concurrently leaves a consistent goal and free agents", async () => {
    const agents = await Promise.all([1, 2, 3, 4].map(() => registerAgent(["x"], 2)));
    const { goalId } = await createGoal(Array.from({ length: 40 }, (_, i) => ({ key: `T${i}`, name: `t${i}`, required_skills: ["x"] })));
    let stop = false;
    const workers = agents.map(async (agent) => {
      while (!stop) {
        const got = await pull(agent);
        for (const a of got) {
          const res = await complete(agent, a.subtask_uuid, "ok");
          expect([200, 409]).toContain(res.status); // 409: cancelled under it
        }
        if (got.length === 0) await new Promise((r) => setTimeout(r, 5));
      }
    });
    await new Promise((r) => setTimeout(r, 100));
    const res = await cancelGoal(goalId);
    stop = true;
    await Promise.all(workers);
    expect([200, 409]).toContain(res.status); // 409 only if the agents finished everything first
    const goal = await getGoal(goalId);
    const statuses = new Set(goal.subtasks.map((t: Task) => t.status));
    for (const st of statuses) expect(["completed", "cancelled"]).toContain(st);
    expect(goal.status).toBe(res.status === 200 ? "cancelled" : "complete");
    for (const agent of agents) expect(await agentRunning(agent.agent_id)).toBe(0);
  });

  it("answers 409 for a goal that already finished", async () => {
    const agent = await registerAgent(["x"]);
    const { goalId, ids } = await createGoal([{ key: "A", name: "a", required_skills: ["x"] }]);
    await pull(agent);
    await complete(agent, ids.A!, "ok");
    const res = await cancelGoal(goalId);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/already complete/);
  });
});

describe("GET /api/events", () => {
  it("returns events after a seq in order, filtered by goal, paged with last_seq", async () => {
    const agent = await registerAgent(["x"]);
    const { goalId } = await createGoal([{ key: "A", name: "a", required_skills: ["x"] }]);
    const other = await createGoal([{ key: "B", name: "b", required_skills: ["nobody"] }]);
    await pull(agent);
    const all = await call(routes.events.GET, "GET", "/api/events", { query: { after: "0" } });
    expect(all.status).toBe(200);
    const seqs = all.body.events.map((e: { seq: number }) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a: number, b: number) => a - b));
    expect(all.body.last_seq).toBe(seqs.at(-1));
    expect(new Set(all.body.events.map((e: { goal_id: string | null }) => e.goal_id))).toEqual(new Set([null, goalId, other.goalId]));
    expect(all.body.events[0]).toMatchObject({
      type: expect.any(String),
      actor: expect.any(String),
      data: expect.any(Object),
      created_at: expect.any(String),
    });

    // Page through two at a time: same events, no gap, no repeat.
    const paged: number[] = [];
    let after = 0;
    for (let i = 0; i < 50; i++) {
      const page = await call(routes.events.GET, "GET", "/api/events", { query: { after: String(after), limit: "2" } });
      paged.push(...page.body.events.map((e: { seq: number }) => e.seq));
      if (page.body.events.length === 0) break;
      after = page.body.last_seq;
    }
    expect(paged).toEqual(seqs);

    const mine = await call(routes.events.GET, "GET", "/api/events", { query: { goal_id: goalId } });
    expect(mine.body.events.length).toBeGreaterThan(0);
    expect(mine.body.events.every((e: { goal_id: string }) => e.goal_id === goalId)).toBe(true);
    expect(mine.body.last_seq).toBe(all.body.last_seq);

    const bad = await call(routes.events.GET, "GET", "/api/events", { query: { after: "-1" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("after");
  });
});
