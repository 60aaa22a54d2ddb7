// Tasks that add tasks (dynamic fan-out) and planning by an agent, through the real route
// handlers and PostgreSQL (lib/orchestration/spawn.ts).
import { describe, expect, it } from "vitest";
import * as routes from "@/lib/api/routes";
import * as goalResult from "@/app/api/goals/[id]/result/route";
import * as planMd from "@/app/api/goals/[id]/plan.md/route";
import { call } from "@/lib/testing/http";
import { snapshotTables } from "@/lib/testing/database";
import { complete, decompose, drain, pull, registerAgent } from "@/lib/testing/agent-calls";

const createGoal = decompose;

async function getGoal(id: string) {
  const res = await call(routes.goal.GET, "GET", `/api/goals/${id}`, { params: { id } });
  expect(res.status).toBe(200);
  return res.body as {
    status: string;
    subtasks: Array<{ uuid: string; key: string; status: string; dependencies: string[]; spawned_by: string | null; kind: string }>;
    edges: Array<{ from: string; to: string }>;
  };
}

// Every row of every table but the agents' request pace, taken by every call (not what the request changed).
const snapshot = () => snapshotTables({ except: ["agent_rate_budget"] });

describe("a completion that spawns tasks", () => {
  it("a task that spawns three tasks whose results feed the original dependent", async () => {
    const agent = await registerAgent(["scan", "review", "report"], 8, "spawner");
    const goal = await createGoal({
      goal: "review every source file",
      plan: {
        tasks: [
          { key: "scan", name: "Scan the files", required_skills: ["scan"] },
          { key: "report", name: "Report", required_skills: ["report"], depends_on: ["scan"] },
        ],
      },
    });
    const [scan] = await pull(agent);
    expect(scan!.key).toBe("scan");

    const files = ["a.ts", "b.ts", "c.ts"];
    const done = await complete(agent, scan!.subtask_uuid, "found 3 files", {
      tasks: files.map((f, i) => ({ key: String(i + 1), name: `Review ${f}`, required_skills: ["review"] })),
    });
    expect(done.status).toBe(200);
    expect(done.body.released).toHaveLength(3); // the spawned roots are ready at once

    let view = await getGoal(goal.goal_id);
    const byKey = new Map(view.subtasks.map((s) => [s.key, s]));
    expect([...byKey.keys()].sort()).toEqual(["report", "scan", "scan.1", "scan.2", "scan.3"]);
    for (const k of ["scan.1", "scan.2", "scan.3"]) {
      expect(byKey.get(k)!.status).toBe("pending");
      expect(byKey.get(k)!.dependencies).toEqual([byKey.get("scan")!.uuid]);
      expect(byKey.get(k)!.spawned_by).toBe(byKey.get("scan")!.uuid);
    }
    // The original dependent now also waits for every spawned sink.
    expect(byKey.get("report")!.status).toBe("waiting");
    expect(new Set(byKey.get("report")!.dependencies)).toEqual(
      new Set(["scan", "scan.1", "scan.2", "scan.3"].map((k) => byKey.get(k)!.uuid)),
    );

    const reviews = await pull(agent);
    expect(reviews.map((r) => r.key).sort()).toEqual(["scan.1", "scan.2", "scan.3"]); // report is not ready yet
    for (const r of reviews.slice(0, 2)) expect((await complete(agent, r.subtask_uuid, `reviewed ${r.key}`)).status).toBe(200);
    expect(await pull(agent)).toEqual([]); // one review still open: the report waits
    expect((await complete(agent, reviews[2]!.subtask_uuid, `reviewed ${reviews[2]!.key}`)).status).toBe(200);

    const [report] = await pull(agent);
    expect(report!.key).toBe("report");
    expect(report!.inputs.map((i) => [i.key, i.result]).sort()).toEqual([
      ["scan", "found 3 files"],
      ["scan.1", "reviewed scan.1"],
      ["scan.2", "reviewed scan.2"],
      ["scan.3", "reviewed scan.3"],
    ]);
    expect((await complete(agent, report!.subtask_uuid, "all good")).status).toBe(200);

    view = await getGoal(goal.goal_id);
    expect(view.status).toBe("complete");
    const result = await call(goalResult.GET, "GET", `/api/goals/${goal.goal_id}/result`, { params: { id: goal.goal_id } });
    expect(result.body.steps_total).toBe(5);
    expect(result.body.result.final_output).toBe("all good");
    // Outputs in dependency order: the spawned reviews between the scan and the report.
    expect(result.body.result.outputs.map((o: { key: string }) => o.key)).toEqual(["scan", "scan.1", "scan.2", "scan.3", "report"]);
    const md = await call(planMd.GET, "GET", `/api/goals/${goal.goal_id}/plan.md`, { params: { id: goal.goal_id } });
    const text = Buffer.from(md.body as ArrayBuffer).toString("utf8");
    for (const f of files) expect(text).toContain(`Review ${f}`);
    expect(text).toContain("scan.3");

    // The event log records who spawned what.
    const events = await call(routes.events.GET, "GET", "/api/events", { query: { goal_id: goal.goal_id } });
    const spawned = events.body.events.filter((e: { type: string }) => e.type === "task.spawned");
    expect(spawned).toHaveLength(1);
    expect(spawned[0].actor).toBe(`agent:${agent.agent_id}`);
    expect(spawned[0].subtask_id).toBe(byKey.get("scan")!.uuid);
    expect(spawned[0].data.tasks.map((t: { key: string }) => t.key)).toEqual(["scan.1", "scan.2", "scan.3"]);
  });

  it("a spawn with dependencies among its tasks: only its roots start, and the dependent waits for its sinks", async () => {
    const agent = await registerAgent(["w"], 8);
    const goal = await createGoal({
      goal: "chain spawn",
      plan: {
        tasks: [
          { key: "T-01", name: "first", required_skills: ["w"] },
          { key: "T-02", name: "after", required_skills: ["w"], depends_on: ["T-01"] },
        ],
      },
    });
    const [first] = await pull(agent);
    const done = await complete(agent, first!.subtask_uuid, "ok", {
      tasks: [
        { key: "a", name: "a", required_skills: ["w"] },
        { key: "b", name: "b", required_skills: ["w"], depends_on: ["a"] },
        { key: "c", name: "c", required_skills: ["w"], depends_on: ["a"] },
      ],
    });
    expect(done.status).toBe(200);
    expect(done.body.released).toHaveLength(1);
    const view = await getGoal(goal.goal_id);
    const byKey = new Map(view.subtasks.map((s) => [s.key, s]));
    expect(byKey.get("T-01.a")!.status).toBe("pending");
    expect(byKey.get("T-01.b")!.status).toBe("waiting");
    expect(new Set(byKey.get("T-02")!.dependencies)).toEqual(new Set(["T-01", "T-01.b", "T-01.c"].map((k) => byKey.get(k)!.uuid)));
    const order = (await drain(agent)).map((a) => a.key);
    expect(order[0]).toBe("T-01.a");
    expect(order.at(-1)).toBe("T-02");
    expect((await getGoal(goal.goal_id)).status).toBe("complete");
  });

  it("spawned tasks may spawn again (keys nest under their parent)", async () => {
    const agent = await registerAgent(["n"], 4);
    const goal = await createGoal({ goal: "nested", plan: { tasks: [{ key: "T-01", name: "root", required_skills: ["n"] }] } });
    const [root] = await pull(agent);
    expect((await complete(agent, root!.subtask_uuid, "r", { tasks: [{ key: "1", name: "child", required_skills: ["n"] }] })).status).toBe(
      200,
    );
    const [child] = await pull(agent);
    expect(child!.key).toBe("T-01.1");
    expect(
      (await complete(agent, child!.subtask_uuid, "c", { tasks: [{ key: "1", name: "grandchild", required_skills: ["n"] }] })).status,
    ).toBe(200);
    const [grandchild] = await pull(agent);
    expect(grandchild!.key).toBe("T-01.1.1");
    expect((await complete(agent, grandchild!.subtask_uuid, "g")).status).toBe(200);
    expect((await getGoal(goal.goal_id)).status).toBe("complete");
  });

  it("spawn validation errors refuse the whole completion with a 400 naming the field, and change nothing", async () => {
    const agent = await registerAgent(["v"], 1);
    const goal = await createGoal({
      goal: "bad spawns",
      plan: {
        tasks: [
          { key: "T-01", name: "spawner", required_skills: ["v"] },
          { key: "T-01.x", name: "taken", required_skills: ["none"] },
          { key: "T-02", name: "after", depends_on: ["T-01"] },
        ],
      },
    });
    const [task] = await pull(agent);
    expect(task!.key).toBe("T-01");
    const T = (key: string, extra: Record<string, unknown> = {}) => ({ key, name: `task ${key}`, ...extra });
    const cases: Array<[string, unknown, string]> = [
      ["a cycle", { tasks: [T("a", { depends_on: ["b"] }), T("b", { depends_on: ["a"] })] }, "spawn.tasks["],
      ["a self-dependency", { tasks: [T("a", { depends_on: ["a"] })] }, "spawn.tasks[0].depends_on[0]"],
      ["a dependency outside the spawn", { tasks: [T("a", { depends_on: ["T-02"] })] }, "spawn.tasks[0].depends_on[0]"],
      ["a duplicate key", { tasks: [T("a"), T("a")] }, "spawn.tasks[1].key"],
      ["a key the goal already has", { tasks: [T("y"), T("x")] }, "spawn.tasks[1].key"],
      ["a key that is too long with its prefix", { tasks: [T("k".repeat(62))] }, "spawn.tasks[0].key"],
      ["no tasks", { tasks: [] }, "spawn.tasks"],
      ["too many tasks", { tasks: Array.from({ length: 501 }, (_, i) => T(`t${i}`)) }, "spawn.tasks"],
      ["an unknown field", { tasks: [T("a")], shell: "rm -rf /" }, "spawn.shell"],
      ["an unknown task field", { tasks: [T("a", { goal_id: "x" })] }, "spawn.tasks[0].goal_id"],
      ["a bad priority", { tasks: [T("a", { priority: "URGENT" })] }, "spawn.tasks[0].priority"],
      ["not an object", "tasks", "spawn"],
    ];
    const before = await snapshot();
    for (const [name, spawn, field] of cases) {
      const res = await complete(agent, task!.subtask_uuid, "result", spawn);
      expect(res.status, name).toBe(400);
      expect(res.body.error.field?.startsWith(field), `${name}: ${res.body.error.field}`).toBe(true);
      expect(res.body.error.message.length, name).toBeGreaterThan(0);
    }
    expect(await snapshot()).toEqual(before);
    // The task is still running and a good spawn still goes through.
    const ok = await complete(agent, task!.subtask_uuid, "result", { tasks: [T("y", { required_skills: ["v"] })] });
    expect(ok.status).toBe(200);
    expect((await getGoal(goal.goal_id)).subtasks.map((s) => s.key).sort()).toEqual(["T-01", "T-01.x", "T-01.y", "T-02"]);
  });

  it("a goal holds at most 10,000 tasks: a spawn past that is refused and changes nothing", async () => {
    const agent = await registerAgent(["big"], 1);
    const tasks = [
      { key: "root", name: "root", required_skills: ["big"], priority: "CRITICAL" },
      ...Array.from({ length: 9_998 }, (_, i) => ({ key: `t${i}`, name: "filler", required_skills: ["nobody"] })),
    ];
    await createGoal({ goal: "almost full", plan: { tasks } });
    const [root] = await pull(agent);
    expect(root!.key).toBe("root");
    const before = await snapshot();
    const res = await complete(agent, root!.subtask_uuid, "r", {
      tasks: [
        { key: "a", name: "a" },
        { key: "b", name: "b" },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe("spawn.tasks");
    expect(res.body.error.message).toContain("10000");
    expect(await snapshot()).toEqual(before);
    expect((await complete(agent, root!.subtask_uuid, "r", { tasks: [{ key: "a", name: "a" }] })).status).toBe(200);
  });

  it("complete-batch items may spawn; a bad spawn refuses the batch and changes nothing", async () => {
    const agent = await registerAgent(["b"], 4);
    const goal = await createGoal({
      goal: "batch spawn",
      plan: {
        tasks: [
          { key: "p", name: "p", required_skills: ["b"] },
          { key: "q", name: "q", required_skills: ["b"] },
          { key: "z", name: "z", required_skills: ["b"], depends_on: ["p", "q"] },
        ],
      },
    });
    const [p, q] = (await pull(agent)).sort((a, b) => a.key.localeCompare(b.key));
    const before = await snapshot();
    const bad = await call(routes.completeBatch.POST, "POST", "/api/orchestration/complete-batch", {
      token: agent.token,
      body: {
        completions: [
          { subtask_uuid: p!.subtask_uuid, result: "p" },
          { subtask_uuid: q!.subtask_uuid, result: "q", spawn: { tasks: [{ key: "a", name: "a", depends_on: ["a"] }] } },
        ],
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("completions[1].spawn.tasks[0].depends_on[0]");
    expect(await snapshot()).toEqual(before);
    const ok = await call(routes.completeBatch.POST, "POST", "/api/orchestration/complete-batch", {
      token: agent.token,
      body: {
        completions: [
          { subtask_uuid: p!.subtask_uuid, result: "p", spawn: { tasks: [{ key: "1", name: "p1", required_skills: ["b"] }] } },
          { subtask_uuid: q!.subtask_uuid, result: "q", spawn: { tasks: [{ key: "1", name: "q1", required_skills: ["b"] }] } },
        ],
      },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.results.map((r: { ok: boolean; released: string[] }) => [r.ok, r.released.length])).toEqual([
      [true, 1],
      [true, 1],
    ]);
    const view = await getGoal(goal.goal_id);
    expect(view.subtasks.find((s) => s.key === "z")!.status).toBe("waiting");
    const order = (await drain(agent)).map((a) => a.key);
    expect(order.sort()).toEqual(["p.1", "q.1", "z"]);
    expect((await getGoal(goal.goal_id)).status).toBe("complete");
  });
});

describe("planning by an agent", () => {
  it("decompose {planner: agent} makes one planning task, and the planning agent's spawn becomes the goal's DAG", async () => {
    const planner = await registerAgent(["planning"], 1, "planner");
    const worker = await registerAgent(["research", "writing"], 4, "worker");
    const goal = await createGoal({ goal: "write a report on tide pools", planner: "agent" });
    expect(goal.template).toBe("agent");
    expect(goal.subtasks.map((s) => [s.key, s.required_skills])).toEqual([["plan", ["planning"]]]);
    expect(await pull(worker)).toEqual([]); // only a planner can take it

    const [plan] = await pull(planner);
    expect(plan!.key).toBe("plan");
    expect(plan!.description).toContain("SWITCHYARD_SPAWN_FILE");
    const spawn = {
      tasks: [
        { key: "T-01", name: "Research", required_skills: ["research"] },
        { key: "T-02", name: "Outline", required_skills: ["writing"], depends_on: ["T-01"] },
        { key: "T-03", name: "Draft", required_skills: ["writing"], depends_on: ["T-01"] },
      ],
    };
    expect((await complete(planner, plan!.subtask_uuid, "planned 3 tasks", spawn)).status).toBe(200);
    const view = await getGoal(goal.goal_id);
    const byKey = new Map(view.subtasks.map((s) => [s.key, s]));
    expect([...byKey.keys()].sort()).toEqual(["T-01", "T-02", "T-03", "plan"]); // a planner's keys are kept as they are
    expect(byKey.get("plan")!.kind).toBe("planning");
    expect(byKey.get("T-02")!.dependencies).toEqual([byKey.get("T-01")!.uuid]);
    expect(byKey.get("T-01")!.dependencies).toEqual([byKey.get("plan")!.uuid]);

    await drain(worker, (a) => `${a.key} text`);
    const result = await call(goalResult.GET, "GET", `/api/goals/${goal.goal_id}/result`, { params: { id: goal.goal_id } });
    expect(result.body.status).toBe("complete");
    expect(result.body.result.final_output).toBe("## T-02 Outline\nT-02 text\n\n## T-03 Draft\nT-03 text");
  });

  it("planner agent refuses an explicit plan beside it", async () => {
    const res = await call(routes.decompose.POST, "POST", "/api/orchestration/decompose", {
      body: { goal: "g", planner: "agent", plan: { tasks: [{ key: "a", name: "a" }] } },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe("planner");
    const bad = await call(routes.decompose.POST, "POST", "/api/orchestration/decompose", { body: { goal: "g", planner: "robot" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("planner");
  });
});
