// GET /api/metrics: Prometheus text with the series an operator scrapes, after real activity.
import { describe, expect, it } from "vitest";
import * as routes from "@/lib/api/routes";
import { call } from "@/lib/testing/http";
import { recordEventFanout } from "@/lib/metrics";

/** The value of one sample line, e.g. `switchyard_tasks{state="running"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("GET /api/metrics", () => {
  it("reports tasks by state, live agents, assignments, completions, assign latency and event fan-out", async () => {
    const agents = [];
    for (const name of ["m1", "m2"]) {
      const reg = await call(routes.register.POST, "POST", "/api/orchestration/register", { body: { skills: [], capacity: 2, name } });
      agents.push(reg.body as { agent_id: string; token: string });
    }
    const created = await call(routes.decompose.POST, "POST", "/api/orchestration/decompose", {
      body: {
        goal: "metrics",
        plan: {
          tasks: ["a", "b", "c", "d"].map((key) => ({ key, name: key })).concat([{ key: "e", name: "e", depends_on: ["a"] } as never]),
        },
      },
    });
    expect(created.status).toBe(201);
    const pulled: Array<{ subtask_uuid: string; attempt: number; token: string }> = [];
    for (const agent of agents) {
      const res = await call(routes.assign.POST, "POST", "/api/orchestration/assign", {
        token: agent.token,
        body: { agent_id: agent.agent_id },
      });
      for (const a of res.body.assignments) pulled.push({ ...a, token: agent.token });
    }
    expect(pulled).toHaveLength(4);
    // Two of m1's through the batch route, one of m2's alone, one refused (m1 reporting m2's task).
    const [a1, a2, b1, b2] = pulled;
    const batch = await call(routes.completeBatch.POST, "POST", "/api/orchestration/complete-batch", {
      token: a1!.token,
      body: { completions: [a1, a2, b2].map((p) => ({ subtask_uuid: p!.subtask_uuid, attempt: p!.attempt, result: "ok" })) },
    });
    expect(batch.body.results.map((r: { ok: boolean }) => r.ok)).toEqual([true, true, false]);
    const single = await call(routes.complete.POST, "POST", "/api/orchestration/complete", {
      token: b1!.token,
      body: { subtask_uuid: b1!.subtask_uuid, result: "ok" },
    });
    expect(single.status).toBe(200);
    recordEventFanout(7);

    const res = await call(routes.metrics.GET, "GET", "/api/metrics");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = new TextDecoder().decode(res.body as ArrayBuffer);
    expect(text).toContain("# TYPE switchyard_tasks gauge");
    expect(sample(text, 'switchyard_tasks{state="completed"}')).toBe(3);
    expect(sample(text, 'switchyard_tasks{state="running"}')).toBe(1);
    expect(sample(text, 'switchyard_tasks{state="pending"}')).toBe(1); // e, released by a's completion
    expect(sample(text, 'switchyard_tasks{state="failed"}')).toBe(0);
    expect(sample(text, "switchyard_live_agents")).toBe(2);
    expect(sample(text, 'switchyard_assignments_total{via="pull"}')).toBe(4);
    expect(sample(text, 'switchyard_completions_total{outcome="accepted"}')).toBe(3);
    expect(sample(text, 'switchyard_completions_total{outcome="refused"}')).toBe(1);
    expect(sample(text, 'switchyard_assignment_duration_seconds_count{via="pull"}')).toBe(2);
    const sum = sample(text, 'switchyard_assignment_duration_seconds_sum{via="pull"}')!;
    expect(sum).toBeGreaterThan(0);
    expect(sum).toBeLessThan(60);
    expect(sample(text, "switchyard_event_fanout_total")).toBe(7);
    expect(sample(text, "switchyard_process_resident_memory_bytes")).toBeGreaterThan(0);
  });
});
