import { describe, expect, it } from "vitest";
import * as decompose from "@/app/api/orchestration/decompose/route";
import * as goal from "@/app/api/goals/[id]/route";
import * as planMd from "@/app/api/goals/[id]/plan.md/route";
import { call } from "@/lib/testing/http";

interface GoalView {
  subtasks: Array<{ uuid: string; key: string; name: string; description: string; priority: string; required_skills: string[]; estimated_duration_s: number; timeout_s: number; max_attempts: number; dependencies: string[]; status: string }>;
}

/** The DAG of a goal by key: everything a plan says about each task. */
async function dagOf(goalId: string) {
  const res = await call<GoalView>(goal.GET, "GET", `/api/goals/${goalId}`, { params: { id: goalId } });
  expect(res.status).toBe(200);
  const keyOf = new Map(res.body.subtasks.map((s) => [s.uuid, s.key]));
  return res.body.subtasks.map((s) => ({
    key: s.key,
    name: s.name,
    description: s.description,
    priority: s.priority,
    required_skills: s.required_skills,
    estimated_duration_s: s.estimated_duration_s,
    timeout_s: s.timeout_s,
    max_attempts: s.max_attempts,
    depends_on: s.dependencies.map((d) => keyOf.get(d)).sort(),
  }));
}

async function exportPlan(goalId: string): Promise<{ status: number; type: string | null; text: string }> {
  const res = await call(planMd.GET, "GET", `/api/goals/${goalId}/plan.md`, { params: { id: goalId } });
  return { status: res.status, type: res.headers.get("content-type"), text: new TextDecoder().decode(res.body as ArrayBuffer) };
}

describe("markdown master plan: GET /api/goals/:id/plan.md and decompose with plan_markdown", () => {
  it("round-trips: export → submit → the same DAG", async () => {
    const plan = {
      tasks: [
        { key: "T-01", name: "Scan source files", description: "List every *.ts file | count lines\nsecond line", required_skills: ["scanning"], priority: "CRITICAL", estimated_duration_s: 90, timeout_s: 120, max_attempts: 2 },
        { key: "T-02", name: "Quality", description: "Check code quality", required_skills: ["coding", "review"], priority: "HIGH", depends_on: ["T-01"] },
        { key: "T-03", name: "Security", description: "Security scan", depends_on: ["T-01"], priority: 3 },
        { key: "T-04", name: "Report", description: "Generate report", required_skills: ["reporting"], depends_on: ["T-02", "T-03"], timeout_s: 30 },
      ],
    };
    const first = await call(decompose.POST, "POST", "/api/orchestration/decompose", { body: { goal: "Analyze my TypeScript project", plan } });
    expect(first.status).toBe(201);
    const exported = await exportPlan(first.body.goal_id);
    expect(exported.status).toBe(200);
    expect(exported.type).toMatch(/text\/markdown/);
    expect(exported.text).toContain("## Original Request\n> Analyze my TypeScript project");
    expect(exported.text).toMatch(/\| T-01 \| - \| 🟡 Pending \|/);
    expect(exported.text).toMatch(/\| T-04 \| - \| ⏸️ Waiting \|/);

    const second = await call(decompose.POST, "POST", "/api/orchestration/decompose", { body: { goal: "Analyze my TypeScript project (again)", plan_markdown: exported.text } });
    expect(second.status).toBe(201);
    expect(second.body.template).toBe("explicit");
    expect(await dagOf(second.body.goal_id)).toEqual(await dagOf(first.body.goal_id));
  });

  it("round-trips a template decomposition too", async () => {
    const first = await call(decompose.POST, "POST", "/api/orchestration/decompose", { body: { goal: "develop authentication system", context: "Node | JWT" } });
    const exported = await exportPlan(first.body.goal_id);
    const second = await call(decompose.POST, "POST", "/api/orchestration/decompose", { body: { goal: "develop authentication system", plan_markdown: exported.text } });
    expect(second.status).toBe(201);
    expect(await dagOf(second.body.goal_id)).toEqual(await dagOf(first.body.goal_id));
  });

  it("rejects a markdown plan with a cycle, naming it, and stores nothing", async () => {
    const md = "| Task ID | Task Name | Description | Dependencies | Priority |\n|---|---|---|---|---|\n| A | a | x | B | P1 |\n| B | b | y | A | P1 |";
    const res = await call(decompose.POST, "POST", "/api/orchestration/decompose", { body: { goal: "cyclic", plan_markdown: md } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/cycle: (A → B → A|B → A → B)/);
    const both = await call(decompose.POST, "POST", "/api/orchestration/decompose", { body: { goal: "both", plan_markdown: md, plan: { tasks: [{ key: "A", name: "a" }] } } });
    expect(both.status).toBe(400);
    expect(both.body.error.field).toBe("plan_markdown");
  });
});
