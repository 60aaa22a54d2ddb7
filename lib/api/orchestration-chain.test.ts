import { describe, expect, it } from "vitest";
import * as routes from "@/lib/api/routes";
import { call } from "@/lib/testing/http";
import { assign as pull, registerAgent as registerTestAgent } from "@/lib/testing/agent-calls";

// This file's agents take one task at a time unless a test says otherwise.
const registerAgent = (skills: string[], capacity = 1, name?: string) => registerTestAgent(skills, capacity, name);

async function complete(agent: { token: string }, subtask: string, result: string) {
  return call(routes.complete.POST, "POST", "/api/orchestration/complete", { token: agent.token, body: { subtask_uuid: subtask, result } });
}

describe("register → decompose → assign → complete", () => {
  it("runs a development goal to completion, releasing each dependent in order", async () => {
    const agent = await registerAgent(["requirements", "design", "coding", "testing"], 4, "dev-bot");
    const created = await call(routes.decompose.POST, "POST", "/api/orchestration/decompose", {
      body: { goal: "develop authentication system" },
    });
    expect(created.status).toBe(201);
    expect(created.body.template).toBe("development");
    expect(created.body.subtasks.map((s: { name: string }) => s.name)).toEqual([
      "Requirements Analysis",
      "Design Phase",
      "Implementation",
      "Testing",
    ]);

    const order: string[] = [];
    for (let step = 0; step < 4; step++) {
      const assignments = await pull(agent);
      expect(assignments).toHaveLength(1); // only one task is ever ready in a chain
      const [a] = assignments;
      order.push(a!.key);
      if (step > 0) expect(a!.inputs.map((i) => i.result)).toEqual([`done ${order[step - 1]}`]);
      const done = await complete(agent, a!.subtask_uuid, `done ${a!.key}`);
      expect(done.status).toBe(200);
      expect(done.body.subtask.status).toBe("completed");
      expect(done.body.released).toHaveLength(step < 3 ? 1 : 0);
    }
    expect(order).toEqual(["T-01", "T-02", "T-03", "T-04"]);
    const goal = await call(routes.goal.GET, "GET", `/api/goals/${created.body.goal_id}`, { params: { id: created.body.goal_id } });
    expect(goal.body.status).toBe("complete");
    expect(goal.body.result.final_output).toBe("done T-04");
    expect(goal.body.progress).toBe(1);
  });
});
