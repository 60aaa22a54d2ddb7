// The typed client against a real server process with an operator token: every call
// family, and errors as ApiError with status, code, message and field.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError, SwitchyardClient } from "switchyard-client";
import { startServer, type RunningServer } from "@/lib/testing/server";

const OPERATOR_TOKEN = "operator-token-for-client-test-abcdef";
let server: RunningServer;
let operator: SwitchyardClient;

beforeAll(async () => {
  server = await startServer({
    env: { NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? ".next", SWITCHYARD_OPERATOR_TOKEN: OPERATOR_TOKEN },
  });
  operator = new SwitchyardClient({ baseUrl: server.url, operatorToken: OPERATOR_TOKEN });
});

afterAll(async () => {
  await server?.stop();
});

async function apiError(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error("expected an ApiError");
}

describe("SwitchyardClient", () => {
  it("reads public endpoints without a token and refuses operator calls without one (401)", async () => {
    const anonymous = new SwitchyardClient({ baseUrl: server.url + "/" });
    expect((await anonymous.health()).status).toBe("ok");
    expect((await anonymous.openapi()).openapi).toBe("3.1.0");
    const denied = await apiError(anonymous.status());
    expect([denied.status, denied.code, denied.isTransient]).toEqual([401, "unauthorized", false]);
  });

  it("turns a 400 into an ApiError naming the field", async () => {
    const error = await apiError(
      operator.decompose({
        goal: "bad",
        plan: {
          tasks: [
            { key: "T-01", name: "a" },
            { key: "T-02", name: "b", depends_on: ["T-09"] },
          ],
        },
      }),
    );
    expect(error).toMatchObject({ status: 400, code: "validation_failed", field: "plan.tasks[1].depends_on[0]" });
    expect(error.message).toMatch(/unknown task "T-09"/);
  });

  it("reports an unreachable server as a transient network_error", async () => {
    const error = await apiError(new SwitchyardClient({ baseUrl: "http://127.0.0.1:4399", timeoutMs: 2000 }).health());
    expect([error.status, error.code, error.isTransient]).toEqual([0, "network_error", true]);
  });

  it("runs the agent cycle, the tensor in three formats, events and the operator actions", async () => {
    const agent = new SwitchyardClient({ baseUrl: server.url });
    expect((await apiError(agent.heartbeat("00000000-0000-4000-8000-000000000000"))).code).toBe("unauthorized");
    const registered = await agent.register({ skills: ["client_test"], capacity: 2, name: "typed" });
    expect(agent.agentId).toBe(registered.agent_id);
    expect((await agent.heartbeat()).status).toBe("idle");

    const created = await operator.createGoal({
      goal: "client goal",
      plan: {
        tasks: [
          { key: "A", name: "first", required_skills: ["client_test"], priority: "HIGH" },
          { key: "B", name: "second", required_skills: ["client_test"], depends_on: ["A"] },
          { key: "C", name: "third", required_skills: ["client_test"], max_attempts: 1 },
        ],
      },
    });
    const goalId = created.goal_id!;

    const dense = await operator.tensor({ goalId });
    const sparse = await operator.tensor({ goalId, format: "sparse" });
    const binary = await operator.tensor({ goalId, format: "binary" });
    expect(dense.shape).toEqual([3, 1, 4]);
    expect(binary.shape).toEqual([3, 1, 4]);
    expect(Array.from(binary.data)).toEqual(dense.data.flat(2));
    for (const [i, j, p, v] of sparse.entries) expect(dense.data[i]![j]![p]).toBe(v);

    const { assignments } = await agent.pull();
    expect(assignments.map((a) => a.key).sort()).toEqual(["A", "C"]);
    const a = assignments.find((x) => x.key === "A")!;
    const c = assignments.find((x) => x.key === "C")!;
    const done = await agent.complete({ subtask_uuid: a.subtask_uuid, attempt: a.attempt, result: { rows: 3 } });
    expect(done.subtask.status).toBe("completed");
    expect(done.released).toHaveLength(1);

    const failed = await agent.fail({ subtask_uuid: c.subtask_uuid, attempt: c.attempt, error: "nope" });
    expect(failed.subtask.status).toBe("failed");
    const late = await apiError(agent.complete({ subtask_uuid: c.subtask_uuid, attempt: c.attempt, result: "too late" }));
    expect([late.status, late.code]).toEqual([409, "stale_attempt"]);

    const retried = await operator.retryTask(c.subtask_uuid);
    expect(retried.subtask.status).toBe("pending");
    const b = (await operator.goal(goalId)).subtasks.find((s) => s.key === "B")!;
    const reassigned = await operator.reassignTask(b.uuid, { agent_id: registered.agent_id });
    expect(reassigned.assignment).toMatchObject({ key: "B", agent_id: registered.agent_id });
    const cancelled = await operator.cancelTask(c.subtask_uuid);
    expect(cancelled.subtask.status).toBe("cancelled");
    expect((await operator.task(b.uuid)).status).toBe("running");

    const { events, last_seq } = await operator.events({ goal_id: goalId });
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(["goal.created", "task.assigned", "task.completed", "task.failed"]));
    expect(last_seq).toBeGreaterThanOrEqual(events.at(-1)!.seq);

    const closed = await operator.cancelGoal(goalId);
    expect(closed.goal.status).toBe("cancelled");
    expect((await operator.result(goalId)).status).toBe("cancelled");
    expect(await operator.planMarkdown(goalId)).toMatch(/\| C \| typed \| 🚫 Cancelled \|/);
    expect((await operator.agents()).map((x) => x.name)).toContain("typed");
    expect((await operator.goals({ status: "cancelled" })).map((g) => g.id)).toContain(goalId);
    expect((await operator.status()).goals.cancelled).toBeGreaterThanOrEqual(1);

    const gone = await agent.unregister();
    expect(gone.agent_id).toBe(registered.agent_id);
  });
});

describe("ApiError from a rate limit", () => {
  it("carries Retry-After and counts as transient", async () => {
    const limited = new SwitchyardClient({
      baseUrl: "http://switchyard.invalid",
      agentToken: "00000000-0000-4000-8000-000000000000.secret",
      fetch: async () =>
        new Response(JSON.stringify({ error: { code: "rate_limited", message: "slow down" } }), {
          status: 429,
          headers: { "retry-after": "2", "content-type": "application/json" },
        }),
    });
    const error = await apiError(limited.heartbeat());
    expect([error.status, error.code, error.retryAfterMs, error.isTransient, error.message]).toEqual([
      429,
      "rate_limited",
      2000,
      true,
      "slow down",
    ]);
  });
});
