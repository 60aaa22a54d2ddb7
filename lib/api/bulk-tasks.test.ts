// Bulk actions by filter (issue 10, part 5), against real PostgreSQL.
process.env.DB_POOL_SIZE = "20";
import { beforeEach, describe, expect, it } from "vitest";
import { resetEnv } from "@/lib/env";
import * as routes from "@/lib/api/routes";
import { call } from "@/lib/testing/http";
import { db } from "@/lib/db";
import { truncateAll } from "@/lib/testing/database";
import { assign as pull, createPlanGoal } from "@/lib/testing/agent-calls";

resetEnv();
beforeEach(truncateAll);

type Agent = { agent_id: string; token: string };
async function registerAgent(skills: string[] = [], capacity = 1000, name?: string): Promise<Agent> {
  return (await call(routes.register.POST, "POST", "/api/orchestration/register", { body: { skills, capacity, name } })).body;
}
const createGoal = (tasks: Array<Record<string, unknown>>, goal = "bulk") => createPlanGoal(goal, tasks);
const bulk = (body: unknown) => call(routes.tasksBulk.POST, "POST", "/api/tasks/bulk", { body });
const statuses = async (goalId: string) =>
  Object.fromEntries(
    (
      await db().$queryRaw<
        Array<{ status: string; n: number }>
      >`SELECT status, count(*)::int AS n FROM subtasks WHERE goal_id = ${goalId}::uuid GROUP BY status`
    ).map((r) => [r.status, r.n]),
  );
const many = (n: number, prefix: string, extra: Record<string, unknown> = {}) =>
  Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, name: `${prefix} ${i}`, ...extra }));

describe("POST /api/tasks/bulk", () => {
  it("a dry run and the run agree: 250 cancelled tasks retried in 3 batches of at most 100, one audit event per batch, the rest skipped with the reason", async () => {
    const { goalId } = await createGoal(many(250, "t"));
    expect((await call(routes.goalCancel.POST, "POST", `/api/goals/${goalId}/cancel`, { params: { id: goalId } })).status).toBe(200);
    const other = await createGoal(many(5, "o"));

    const dry = await bulk({ action: "retry", filter: { goal_id: goalId }, dry_run: true });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dry_run: true, matched: 250, changed: 250, skipped: 0, batches: 3 });
    expect(dry.body.sample).toHaveLength(20);
    expect(await statuses(goalId)).toEqual({ cancelled: 250 }); // a dry run changes nothing

    const run = await bulk({ action: "retry", filter: { goal_id: goalId } });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({
      dry_run: false,
      matched: dry.body.matched,
      changed: dry.body.changed,
      skipped: dry.body.skipped,
      batches: 3,
    });
    expect(run.body.changed_tasks).toHaveLength(250);
    expect(await statuses(goalId)).toEqual({ pending: 250 });
    expect(await statuses(other.goalId)).toEqual({ pending: 5 });
    const audits = (await call(routes.events.GET, "GET", "/api/events", { query: { goal_id: goalId, limit: "5000" } })).body.events.filter(
      (e: { type: string }) => e.type === "tasks.bulk",
    );
    expect(audits.map((e: { data: { batch: number; changed: number } }) => [e.data.batch, e.data.changed])).toEqual([
      [0, 100],
      [1, 100],
      [2, 50],
    ]);
    expect(audits[0]).toMatchObject({ actor: "operator", data: { action: "retry", filter: { goal_id: goalId } } });

    // Again: nothing is retryable now; every task is skipped with its reason, and a dry run says so too.
    const again = await bulk({ action: "retry", filter: { goal_id: goalId }, dry_run: true });
    expect(again.body).toMatchObject({ matched: 250, changed: 0, skipped: 250 });
    expect(again.body.skipped_reasons).toEqual([expect.objectContaining({ count: 250, reason: expect.stringMatching(/pending/) })]);
  });

  it("filters by status, skill, agent and key; reassign moves the matched tasks to the chosen agent; refusals are per task", async () => {
    const x = await registerAgent(["x"], 100, "x");
    const y = await registerAgent(["x", "y"], 100, "y");
    const { goalId, ids } = await createGoal([
      ...many(4, "a", { required_skills: ["x"] }),
      ...many(3, "b", { required_skills: ["y"] }),
      { key: "solo", name: "solo" },
    ]);
    const got = await pull(x);
    expect(got).toHaveLength(4 + 1); // a0..a3 and solo (x lacks y)
    const bySkill = await bulk({ action: "cancel", filter: { goal_id: goalId, skill: "y" }, dry_run: true });
    expect(bySkill.body).toMatchObject({ matched: 3, changed: 3 });
    const byKey = await bulk({ action: "cancel", filter: { key: "solo" }, dry_run: true });
    expect(byKey.body.sample.map((t: { uuid: string }) => t.uuid)).toEqual([ids.solo]);
    const byAgent = await bulk({
      action: "reassign",
      filter: { agent_id: x.agent_id, status: "running" },
      agent_id: y.agent_id,
      dry_run: true,
    });
    expect(byAgent.body).toMatchObject({ matched: 5, changed: 5 });

    const moved = await bulk({ action: "reassign", filter: { agent_id: x.agent_id, status: ["running"] }, agent_id: y.agent_id });
    expect(moved.body).toMatchObject({ matched: 5, changed: 5, skipped: 0 });
    const onY = await db().subtask.count({ where: { goalId, agentId: y.agent_id, status: "running" } });
    expect(onY).toBe(5);
    // Reassigning the y-tasks to x: x lacks the skill, each is refused and skipped with the reason; nothing of them changes.
    const refused = await bulk({ action: "reassign", filter: { goal_id: goalId, skill: "y" }, agent_id: x.agent_id });
    expect(refused.body).toMatchObject({ matched: 3, changed: 0, skipped: 3 });
    expect(refused.body.skipped_reasons[0].reason).toMatch(/lacks the skills y/);
    expect(await db().subtask.count({ where: { goalId, status: "pending" } })).toBe(3);
  });

  it("a bulk retry while 16 agents pull from another goal hands no task out twice and leaves the counters right", async () => {
    const { goalId } = await createGoal(many(300, "r"));
    await call(routes.goalCancel.POST, "POST", `/api/goals/${goalId}/cancel`, { params: { id: goalId } });
    await createGoal(many(300, "w"));
    const agents = await Promise.all(Array.from({ length: 16 }, (_, i) => registerAgent([], 1000, `p${i}`)));
    const seen = new Map<string, number>();
    const pulling = Promise.all(
      agents.map(async (agent) => {
        for (let dry = 0; dry < 3;) {
          const got = await pull(agent, 5);
          if (got.length === 0) dry++;
          for (const a of got) seen.set(a.subtask_uuid, (seen.get(a.subtask_uuid) ?? 0) + 1);
        }
      }),
    );
    const [res] = await Promise.all([bulk({ action: "retry", filter: { goal_id: goalId, status: "cancelled" } }), pulling]);
    expect(res.body).toMatchObject({ changed: 300, skipped: 0 });
    // Whatever the pulls did not get yet, they get now.
    for (const agent of agents) for (const a of await pull(agent)) seen.set(a.subtask_uuid, (seen.get(a.subtask_uuid) ?? 0) + 1);
    expect(seen.size).toBe(600);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    const running = await db().agent.aggregate({ _sum: { running: true } });
    expect(running._sum.running).toBe(600);
  });

  it("refuses bad input with 400 naming the field and changes nothing", async () => {
    const { goalId } = await createGoal(many(2, "t"));
    const cases: Array<[unknown, string]> = [
      [{ action: "retry", filter: {} }, "filter"],
      [{ action: "explode", filter: { goal_id: goalId } }, "action"],
      [{ action: "reassign", filter: { goal_id: goalId } }, "agent_id"],
      [{ action: "retry", filter: { goal_id: goalId }, agent_id: goalId }, "agent_id"],
      [{ action: "retry", filter: { status: "bogus" } }, "filter.status"],
      [{ action: "retry", filter: { goal_id: "x" } }, "filter.goal_id"],
      [{ action: "retry", filter: { goal_id: goalId, color: "red" } }, "filter.color"],
    ];
    for (const [body, field] of cases) {
      const res = await bulk(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.field).toBe(field);
    }
    expect(await statuses(goalId)).toEqual({ pending: 2 });
  });
});
