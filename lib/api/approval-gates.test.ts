// Approval gates and result validation (issue 10, parts 1 and 2), against real PostgreSQL.
process.env.DB_POOL_SIZE = "20";
import { beforeEach, describe, expect, it } from "vitest";
import { resetEnv } from "@/lib/env";
import * as routes from "@/lib/api/routes";
import { call } from "@/lib/testing/http";
import { truncateAll } from "@/lib/testing/database";
import { assign as pull, createPlanGoal } from "@/lib/testing/agent-calls";

resetEnv();
beforeEach(truncateAll);

type Agent = { agent_id: string; token: string };

async function registerAgent(skills: string[] = [], capacity = 4): Promise<Agent> {
  return (await call(routes.register.POST, "POST", "/api/orchestration/register", { body: { skills, capacity } })).body;
}
const createGoal = (tasks: Array<Record<string, unknown>>) => createPlanGoal("gates", tasks);
const complete = (agent: Agent, id: string, result: unknown) =>
  call(routes.complete.POST, "POST", "/api/orchestration/complete", { token: agent.token, body: { subtask_uuid: id, result } });
const approve = (id: string, body: unknown = {}) =>
  call(routes.taskApprove.POST, "POST", `/api/tasks/${id}/approve`, { params: { id }, body });
const reject = (id: string, feedback: unknown) =>
  call(routes.taskReject.POST, "POST", `/api/tasks/${id}/reject`, { params: { id }, body: { feedback } });
const cancel = (id: string) => call(routes.taskCancel.POST, "POST", `/api/tasks/${id}/cancel`, { params: { id } });
const getTask = async (id: string) => (await call(routes.task.GET, "GET", `/api/tasks/${id}`, { params: { id } })).body;
const getGoal = async (id: string) => (await call(routes.goal.GET, "GET", `/api/goals/${id}`, { params: { id } })).body;
const eventsOf = async (goalId: string) =>
  (await call(routes.events.GET, "GET", "/api/events", { query: { goal_id: goalId, limit: "5000" } })).body.events as Array<{
    type: string;
    actor: string;
    subtask_id: string;
    data: Record<string, unknown>;
  }>;

const GATED = [
  { key: "draft", name: "draft", approval: true },
  { key: "publish", name: "publish", depends_on: ["draft"] },
];

describe("approval gates", () => {
  it("a completed gated task awaits approval (dependents wait); approve with an edited result feeds the edited text to the dependent and the goal's result, the agent's original stays in the attempt history", async () => {
    const agent = await registerAgent();
    const { goalId, ids } = await createGoal(GATED);
    const [a] = await pull(agent);
    expect(a!.key).toBe("draft");
    const done = await complete(agent, ids.draft!, "agent's draft");
    expect(done.status).toBe(200);
    expect(done.body.subtask.status).toBe("awaiting_approval");
    const waiting = await getGoal(goalId);
    expect(waiting.status).toBe("running");
    expect(waiting.tasks.awaiting_approval).toBe(1);
    expect(waiting.subtasks.find((s: { key: string }) => s.key === "publish").status).toBe("waiting");
    expect(await pull(agent)).toEqual([]);
    const list = (await call(routes.goals.GET, "GET", "/api/goals")).body.goals;
    expect(list[0].tasks.awaiting_approval).toBe(1);

    const res = await approve(ids.draft!, { result: "operator's edit" });
    expect(res.status).toBe(200);
    expect(res.body.edited).toBe(true);
    expect(res.body.subtask).toMatchObject({ status: "completed", result: "operator's edit" });
    expect(res.body.subtask.attempts.map((t: { outcome: string; result: string }) => [t.outcome, t.result])).toEqual([
      ["completed", "agent's draft"],
    ]);
    expect(res.body.released).toEqual([ids.publish]);

    const [p] = await pull(agent);
    expect(p!.key).toBe("publish");
    expect(p!.inputs).toEqual([{ key: "draft", name: "draft", result: "operator's edit" }]);
    expect((await complete(agent, ids.publish!, "published")).status).toBe(200);
    const goal = await getGoal(goalId);
    expect(goal.status).toBe("complete");
    expect(JSON.stringify(goal.result)).toContain("operator's edit");
    expect(JSON.stringify(goal.result)).not.toContain("agent's draft");

    const events = await eventsOf(goalId);
    expect(events.find((e) => e.type === "task.awaiting_approval")).toMatchObject({
      subtask_id: ids.draft,
      actor: `agent:${agent.agent_id}`,
    });
    expect(events.find((e) => e.type === "task.approved")).toMatchObject({
      subtask_id: ids.draft,
      actor: "operator",
      data: { edited: true },
    });
  });

  it("approve without a result completes with the agent's result", async () => {
    const agent = await registerAgent();
    const { ids } = await createGoal(GATED);
    await pull(agent);
    await complete(agent, ids.draft!, { title: "t" });
    const res = await approve(ids.draft!);
    expect(res.status).toBe(200);
    expect(res.body.edited).toBe(false);
    expect(res.body.subtask.result).toBe('{"title":"t"}');
  });

  it("reject with feedback queues a new attempt whose assignment carries the feedback and the rejected result", async () => {
    const agent = await registerAgent();
    const { goalId, ids } = await createGoal(GATED);
    await pull(agent);
    await complete(agent, ids.draft!, "too short");
    const res = await reject(ids.draft!, "make it longer, cite sources");
    expect(res.status).toBe(200);
    expect(res.body.rejected_attempt).toBe(1);
    expect(res.body.subtask.status).toBe("pending");
    expect(
      res.body.subtask.attempts.map((t: { outcome: string; feedback: string | null; result: string }) => [t.outcome, t.result, t.feedback]),
    ).toEqual([["rejected", "too short", "make it longer, cite sources"]]);
    const [again] = await pull(agent);
    expect(again).toMatchObject({ key: "draft", attempt: 2, feedback: "make it longer, cite sources" });
    expect(again!.previous_attempt).toMatchObject({
      number: 1,
      outcome: "rejected",
      result: "too short",
      feedback: "make it longer, cite sources",
    });
    await complete(agent, ids.draft!, "a much longer draft");
    expect((await approve(ids.draft!)).status).toBe(200);
    expect((await getTask(ids.draft!)).result).toBe("a much longer draft");
    expect((await eventsOf(goalId)).find((e) => e.type === "task.rejected")).toMatchObject({
      actor: "operator",
      data: { feedback: "make it longer, cite sources", attempt: 1 },
    });
  });

  it("answers 409 for approving or rejecting a task that is not awaiting approval, 400 for empty feedback", async () => {
    const agent = await registerAgent();
    const { ids } = await createGoal(GATED);
    expect((await approve(ids.draft!)).status).toBe(409);
    expect((await reject(ids.draft!, "no")).status).toBe(409);
    await pull(agent);
    await complete(agent, ids.draft!, "x");
    const empty = await reject(ids.draft!, "   ");
    expect(empty.status).toBe(400);
    expect(empty.body.error.field).toBe("feedback");
    expect((await getTask(ids.draft!)).status).toBe("awaiting_approval");
  });

  it("approve, cancel and a second approve fired at once leave one winner and 409 for the others, many times over", async () => {
    const agent = await registerAgent([], 20);
    for (let round = 0; round < 8; round++) {
      const { goalId, ids } = await createGoal(GATED);
      await pull(agent);
      await complete(agent, ids.draft!, `draft ${round}`);
      // Round 3 and 7: a reject races the two approves instead of the cancel.
      const third = round % 4 === 3 ? () => reject(ids.draft!, "redo") : () => cancel(ids.draft!);
      const calls = [() => approve(ids.draft!, { result: "first" }), third, () => approve(ids.draft!, { result: "second" })];
      const order = round % 2 === 0 ? calls : [...calls].reverse();
      const answers = await Promise.all(order.map((f) => f()));
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(2);
      const winner = order[statuses.indexOf(200)]!;
      const task = await getTask(ids.draft!);
      const publish = await getTask(ids.publish!);
      const events = (await eventsOf(goalId)).filter(
        (e) => e.subtask_id === ids.draft && ["task.approved", "task.cancelled", "task.rejected"].includes(e.type),
      );
      expect(events).toHaveLength(1);
      if (winner === calls[1] && round % 4 !== 3) {
        expect(task.status).toBe("cancelled");
        expect(publish.status).toBe("skipped");
      } else if (winner === calls[1]) {
        expect(task.status).toBe("pending");
        expect(publish.status).toBe("waiting");
        await call(routes.taskCancel.POST, "POST", `/api/tasks/${ids.draft}/cancel`, { params: { id: ids.draft! } });
      } else {
        expect(task.status).toBe("completed");
        expect(["first", "second"]).toContain(task.result);
        expect(publish.status).toBe("pending");
        await cancel(ids.publish!);
      }
    }
  });

  it("a batch completion takes the gate too", async () => {
    const agent = await registerAgent();
    const { ids } = await createGoal([...GATED, { key: "free", name: "free" }]);
    await pull(agent);
    const res = await call(routes.completeBatch.POST, "POST", "/api/orchestration/complete-batch", {
      token: agent.token,
      body: {
        completions: [
          { subtask_uuid: ids.draft, result: "d" },
          { subtask_uuid: ids.free, result: "f" },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect((await getTask(ids.draft!)).status).toBe("awaiting_approval");
    expect((await getTask(ids.free!)).status).toBe("completed");
    expect((await getTask(ids.publish!)).status).toBe("waiting");
  });
});

const SCHEMA = {
  type: "object",
  required: ["title", "tags"],
  properties: { title: { type: "string" }, tags: { type: "array", items: { type: "string" } } },
};

describe("output_schema", () => {
  it("a result that does not match fails the attempt naming the failing paths, retries with backoff, and the next attempt sees the error", async () => {
    const agent = await registerAgent();
    const { goalId, ids } = await createGoal([{ key: "s", name: "structured", output_schema: SCHEMA, max_attempts: 3 }]);
    await pull(agent);
    const bad = await complete(agent, ids.s!, { title: 42, tags: ["a", 7] });
    expect(bad.status).toBe(200);
    expect(bad.body.subtask.status).toBe("retrying");
    const task = await getTask(ids.s!);
    expect(task.error).toMatch(/\/title: must be string/);
    expect(task.error).toMatch(/\/tags\/1: must be string/);
    expect(task.next_attempt_at).not.toBeNull();
    expect(task.attempts[0]).toMatchObject({ outcome: "failed", result: '{"title":42,"tags":["a",7]}' });

    await new Promise((r) => setTimeout(r, 250)); // RETRY_MAX_MS is 200 in tests
    const [again] = await pull(agent);
    expect(again).toMatchObject({ key: "s", attempt: 2 });
    expect(again!.previous_attempt).toMatchObject({ number: 1, outcome: "failed" });
    expect(again!.previous_attempt!.error).toMatch(/\/title: must be string/);

    const notJson = await complete(agent, ids.s!, "plain text");
    expect(notJson.body.subtask.status).toBe("retrying");
    expect((await getTask(ids.s!)).error).toMatch(/not JSON/);
    await new Promise((r) => setTimeout(r, 250));
    await pull(agent);
    const good = await complete(agent, ids.s!, { title: "ok", tags: ["x"] });
    expect(good.body.subtask.status).toBe("completed");
    expect((await getGoal(goalId)).status).toBe("complete");
  });

  it("an invalid schema in a plan is a 400 naming the field, and nothing is stored", async () => {
    const res = await call(routes.decompose.POST, "POST", "/api/orchestration/decompose", {
      body: {
        goal: "bad schema",
        plan: {
          tasks: [
            { key: "a", name: "a" },
            { key: "b", name: "b", output_schema: { type: "nonsense" } },
          ],
        },
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe("plan.tasks[1].output_schema");
    expect(res.body.error.message).toMatch(/not a valid JSON Schema/);
    for (const schema of [{ $ref: "#/nowhere" }, { properties: { a: { minimum: "zero" } } }]) {
      const r = await call(routes.decompose.POST, "POST", "/api/orchestration/decompose", {
        body: { goal: "bad", plan: { tasks: [{ key: "a", name: "a", output_schema: schema }] } },
      });
      expect(r.status).toBe(400);
      expect(r.body.error.field).toBe("plan.tasks[0].output_schema");
    }
    expect((await call(routes.goals.GET, "GET", "/api/goals")).body.goals).toEqual([]);
  });

  it("a task with both a schema and an approval gate waits for approval only once its result matches", async () => {
    const agent = await registerAgent();
    const { ids } = await createGoal([{ key: "s", name: "s", output_schema: { type: "object" }, approval: true }]);
    await pull(agent);
    expect((await complete(agent, ids.s!, "[1]")).body.subtask.status).toBe("retrying");
    await new Promise((r) => setTimeout(r, 250));
    await pull(agent);
    expect((await complete(agent, ids.s!, { ok: true })).body.subtask.status).toBe("awaiting_approval");
  });
});
