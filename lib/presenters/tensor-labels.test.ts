import { describe, expect, it } from "vitest";
import * as routes from "@/lib/api/routes";
import { call } from "@/lib/testing/http";

describe("GET /api/orchestration/tensor/labels", () => {
  it("labels every row and column of the tensor in the tensor's own order", async () => {
    const agent = await call(routes.register.POST, "POST", "/api/orchestration/register", {
      body: { skills: ["research", "analysis", "writing"], name: "labeller" },
    });
    expect(agent.status).toBe(201);
    const goal = await call(routes.goals.POST, "POST", "/api/goals", { body: { goal: "analyze sales data" } });
    expect(goal.status).toBe(201);
    const query = { goal_id: goal.body.goal_id, format: "sparse" };
    const tensor = await call(routes.tensor.GET, "GET", "/api/orchestration/tensor", { query });
    const labels = await call(routes.tensorLabels.GET, "GET", "/api/orchestration/tensor/labels", {
      query: { goal_id: goal.body.goal_id },
    });
    expect(labels.status).toBe(200);
    expect(labels.body.shape).toEqual(tensor.body.shape);
    expect(labels.body.tasks.map((t: { id: string }) => t.id)).toEqual(tensor.body.task_ids);
    expect(labels.body.agents.map((a: { id: string }) => a.id)).toEqual(tensor.body.agent_ids);
    expect(labels.body.tasks.map((t: { key: string }) => t.key)).toEqual(goal.body.subtasks.map((s: { key: string }) => s.key));
    expect(labels.body.agents.find((a: { id: string }) => a.id === agent.body.agent_id).name).toBe("labeller");
  });

  it("answers 404 for an unknown goal", async () => {
    const res = await call(routes.tensorLabels.GET, "GET", "/api/orchestration/tensor/labels", {
      query: { goal_id: "00000000-0000-4000-8000-000000000000" },
    });
    expect(res.status).toBe(404);
  });
});
