import { describe, expect, it } from "vitest";
import * as routes from "@/lib/api/routes";
import { db } from "@/lib/db";
import { call } from "@/lib/testing/http";
import { getAgentThroughput, getThroughput } from "@/lib/presenters/throughput";

const now = new Date("2026-01-01T12:30:40Z");
const minutesAgo = (m: number, s = 10) => new Date(Date.UTC(2026, 0, 1, 12, 30 - m, s));

async function seed() {
  const goal = await db().goal.create({ data: { goal: "g", template: "single", status: "running" } });
  const task = await db().subtask.create({
    data: { goalId: goal.id, key: "T-01", position: 0, name: "t", requiredSkills: [], status: "running" },
  });
  const [a, b] = await Promise.all(
    ["a", "b"].map((name) => db().agent.create({ data: { name, skills: [], tokenHash: `hash-${name}-${Math.random()}` } })),
  );
  let number = 0;
  const attempt = (agentId: string, outcome: string, endedAt: Date | null) =>
    db().attempt.create({ data: { subtaskId: task.id, number: ++number, agentId, outcome, startedAt: minutesAgo(90), endedAt } });
  await attempt(a!.id, "completed", minutesAgo(0));
  await attempt(a!.id, "completed", minutesAgo(0, 50)); // 12:30:50 is after "now" (12:30:40) but in the current minute
  await attempt(a!.id, "failed", minutesAgo(2));
  await attempt(b!.id, "timed_out", minutesAgo(2));
  await attempt(b!.id, "completed", minutesAgo(2));
  await attempt(b!.id, "superseded", minutesAgo(1)); // neither a completion nor a failure
  await attempt(b!.id, "completed", minutesAgo(10)); // outside a 5-minute window
  await attempt(b!.id, "running", null);
  return { a: a!, b: b! };
}

describe("throughput read model", () => {
  it("counts completions and failures per minute from attempts, zero-filled, oldest first", async () => {
    const { a, b } = await seed();
    const t = await getThroughput({ minutes: 5, now });
    expect(t.buckets.map((x) => x.minute)).toEqual(["12:26", "12:27", "12:28", "12:29", "12:30"].map((m) => `2026-01-01T${m}:00.000Z`));
    expect(t.buckets.map((x) => [x.completed, x.failed])).toEqual([
      [0, 0],
      [0, 0],
      [1, 2],
      [0, 0],
      [2, 0],
    ]);
    expect(t.totals).toEqual({ completed: 3, failed: 2 });

    const onlyA = await getThroughput({ minutes: 5, agentId: a.id, now });
    expect(onlyA.totals).toEqual({ completed: 2, failed: 1 });

    const perAgent = await getAgentThroughput({ minutes: 5, now });
    const byId = new Map(perAgent.agents.map((s) => [s.agent_id, s.buckets]));
    expect(byId.get(a.id)!.map((x) => x.completed)).toEqual([0, 0, 0, 0, 2]);
    expect(byId.get(b.id)!.map((x) => [x.completed, x.failed])).toEqual([
      [0, 0],
      [0, 0],
      [1, 1],
      [0, 0],
      [0, 0],
    ]);
  });

  it("GET /api/metrics/throughput validates minutes and returns one bucket per minute", async () => {
    const bad = await call(routes.throughput.GET, "GET", "/api/metrics/throughput", { query: { minutes: "0" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("minutes");
    const ok = await call(routes.throughput.GET, "GET", "/api/metrics/throughput", { query: { minutes: "15" } });
    expect(ok.status).toBe(200);
    expect(ok.body.buckets).toHaveLength(15);
    const agents = await call(routes.agentThroughput.GET, "GET", "/api/metrics/agents", { query: { minutes: "3" } });
    expect(agents.status).toBe(200);
    expect(Array.isArray(agents.body.agents)).toBe(true);
  });
});
