// Aggregation strategies (seed 004) on real results: a goal chooses how its results
// combine, and GET /api/goals/:id/result shows the combination.
import { describe, expect, it } from "vitest";
import * as routes from "@/lib/api/routes";
import * as goalResult from "@/app/api/goals/[id]/result/route";
import { call } from "@/lib/testing/http";
import { decompose, drain, pull, registerAgent, complete } from "@/lib/testing/agent-calls";

// a and b in parallel, c after both: c is the only sink.
const PLAN = {
  tasks: [
    { key: "a", name: "Part A", required_skills: ["agg-test"] },
    { key: "b", name: "Part B", required_skills: ["agg-test"] },
    { key: "c", name: "Part C", required_skills: ["agg-test"], depends_on: ["a", "b"] },
  ],
};

async function runGoal(aggregation: string | undefined, results: Record<string, string>) {
  const agent = await registerAgent(["agg-test"], 4);
  const goal = await decompose({ goal: `aggregate ${aggregation ?? "default"}`, plan: PLAN, ...(aggregation ? { aggregation } : {}) });
  await drain(agent, (a) => results[a.key]);
  const res = await call(goalResult.GET, "GET", `/api/goals/${goal.goal_id}/result`, { params: { id: goal.goal_id } });
  expect(res.status).toBe(200);
  const detail = await call(routes.goal.GET, "GET", `/api/goals/${goal.goal_id}`, { params: { id: goal.goal_id } });
  return { result: res.body, goal: detail.body };
}

describe("aggregation strategies", () => {
  it("concat (the default): the sink's result, as today", async () => {
    const { result, goal } = await runGoal(undefined, { a: "alpha", b: "beta", c: "gamma" });
    expect(goal.aggregation).toBe("concat");
    expect(result.aggregation).toBe("concat");
    expect(result.result.strategy).toBe("concat");
    expect(result.result.final_output).toBe("gamma");
    expect(result.result.outputs.map((o: { key: string }) => o.key)).toEqual(["a", "b", "c"]);
  });

  it("json_merge: JSON results deep-merged in dependency order, later results winning", async () => {
    const { result } = await runGoal("json_merge", {
      a: JSON.stringify({ x: 1, nested: { p: 1, keep: "a" }, list: [1] }),
      b: JSON.stringify({ y: 2, nested: { q: 2, keep: "b" } }),
      c: JSON.stringify({ x: 3, list: [3, 4] }),
    });
    expect(result.status).toBe("complete");
    expect(result.result.value).toEqual({ x: 3, y: 2, nested: { p: 1, q: 2, keep: "b" }, list: [3, 4] });
    expect(JSON.parse(result.result.final_output)).toEqual(result.result.value);
    expect(result.result.error).toBeUndefined();
  });

  it("json_merge: a result that is not JSON is named in a clear error, the rest still merge", async () => {
    const { result } = await runGoal("json_merge", { a: JSON.stringify({ x: 1 }), b: "plain words", c: JSON.stringify({ z: 3 }) });
    expect(result.result.value).toEqual({ x: 1, z: 3 });
    expect(result.result.error).toContain('"b"');
    expect(result.result.error).toContain("not JSON");
  });

  it("json_array: every result as one JSON array in dependency order", async () => {
    const { result } = await runGoal("json_array", { a: JSON.stringify({ n: 1 }), b: "[2]", c: "not json" });
    expect(result.result.value).toEqual([{ n: 1 }, [2], "not json"]);
    expect(JSON.parse(result.result.final_output)).toEqual([{ n: 1 }, [2], "not json"]);
  });

  it("last: only the sinks' results", async () => {
    const { result } = await runGoal("last", { a: "alpha", b: "beta", c: JSON.stringify({ final: true }) });
    expect(result.result.final_output).toBe(JSON.stringify({ final: true }));
    expect(result.result.value).toEqual({ final: true });
  });

  it("agent: an aggregate task for an agent with skill aggregation, given every result as inputs", async () => {
    const worker = await registerAgent(["agg-test"], 4, "worker");
    const aggregator = await registerAgent(["aggregation"], 1, "aggregator");
    const goal = await decompose({ goal: "aggregate by agent", plan: PLAN, aggregation: "agent" });
    const keys = goal.subtasks.map((s) => s.key);
    expect(keys).toContain("aggregate");
    expect(goal.subtasks.find((s) => s.key === "aggregate")!.required_skills).toEqual(["aggregation"]);
    expect(await pull(aggregator)).toEqual([]); // waits for every sink
    await drain(worker, (a) => `result of ${a.key}`);
    const [task] = await pull(aggregator);
    expect(task!.key).toBe("aggregate");
    expect(task!.inputs.map((i) => [i.key, i.result])).toEqual([
      ["a", "result of a"],
      ["b", "result of b"],
      ["c", "result of c"],
    ]);
    expect((await complete(aggregator, task!.subtask_uuid, "the three parts, combined")).status).toBe(200);
    const res = await call(goalResult.GET, "GET", `/api/goals/${goal.goal_id}/result`, { params: { id: goal.goal_id } });
    expect(res.body.status).toBe("complete");
    expect(res.body.aggregation).toBe("agent");
    expect(res.body.result.final_output).toBe("the three parts, combined");
  });

  it("agent aggregation with a planning agent: the aggregate task waits for the spawned plan", async () => {
    const planner = await registerAgent(["planning"], 1);
    const worker = await registerAgent(["agg-plan"], 4);
    const aggregator = await registerAgent(["aggregation"], 1);
    const goal = await decompose({ goal: "plan then aggregate", planner: "agent", aggregation: "agent" });
    expect(goal.subtasks.map((s) => s.key).sort()).toEqual(["aggregate", "plan"]);
    const [plan] = await pull(planner);
    await complete(planner, plan!.subtask_uuid, "planned", {
      tasks: [
        { key: "x", name: "x", required_skills: ["agg-plan"] },
        { key: "y", name: "y", required_skills: ["agg-plan"] },
      ],
    });
    expect(await pull(aggregator)).toEqual([]);
    await drain(worker, (a) => a.key.toUpperCase());
    const [task] = await pull(aggregator);
    expect(task!.inputs.map((i) => i.result)).toEqual(["X", "Y"]); // the plan's own result is not an input
    await complete(aggregator, task!.subtask_uuid, "X+Y");
    const res = await call(goalResult.GET, "GET", `/api/goals/${goal.goal_id}/result`, { params: { id: goal.goal_id } });
    expect(res.body.result.final_output).toBe("X+Y");
  });

  it("an unknown strategy is a 400 naming aggregation", async () => {
    const res = await call(routes.decompose.POST, "POST", "/api/orchestration/decompose", { body: { goal: "g", aggregation: "sum" } });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe("aggregation");
  });
});
