// The MCP server end to end: the SDK's own Client over a stdio transport, spawning
// bin/switchyard-mcp.mjs, against a real server process and PostgreSQL.
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "@/lib/testing/server";

let server: RunningServer;
let mcp: Client;

beforeAll(async () => {
  server = await startServer({ port: 4320, env: { NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? ".next" } });
  mcp = new Client({ name: "switchyard-test", version: "1.0.0" });
  await mcp.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [path.resolve(import.meta.dirname, "switchyard-mcp.mjs")],
      cwd: tmpdir(), // works from anywhere, not only the repository
      env: { PATH: process.env.PATH ?? "", SWITCHYARD_URL: server.url, SWITCHYARD_HEARTBEAT_MS: "1000" },
      stderr: "pipe",
    }),
  );
});

afterAll(async () => {
  await mcp?.close();
  await server?.stop();
});

async function tool<T = any>(name: string, args: Record<string, unknown> = {}): Promise<{ isError: boolean; text: string; json: T }> {
  const res = (await mcp.callTool({ name, arguments: args })) as { isError?: boolean; content: Array<{ type: string; text: string }> };
  const text = res.content.map((c) => c.text).join("");
  let json: T = undefined as T;
  try {
    json = JSON.parse(text) as T;
  } catch {
    // plain text
  }
  return { isError: Boolean(res.isError), text, json };
}

describe("switchyard-mcp", () => {
  it("exposes seed 000's seven tools", async () => {
    const { tools } = await mcp.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["register_agent", "decompose_goal", "assign_tasks", "get_status", "get_task_tensor", "mark_completed", "update_heartbeat"]));
    const register = tools.find((t) => t.name === "register_agent")!;
    expect(register.inputSchema.required).toEqual(["skills"]);
  });

  it("refuses agent tools before register_agent, with a clear message", async () => {
    const res = await tool("assign_tasks");
    expect(res.isError).toBe(true);
    expect(res.text).toMatch(/call register_agent first/);
  });

  it("drives a goal to completion with the tools alone", async () => {
    const registered = await tool("register_agent", { skills: ["requirements", "design", "coding", "testing"], name: "llm-agent" });
    expect(registered.isError).toBe(false);
    const agentId = registered.json.agent_id as string;

    const goal = await tool("decompose_goal", { goal: "develop authentication system", context: "Node.js service with JWT" });
    expect(goal.isError).toBe(false);
    expect(goal.json.template).toBe("development");
    expect(goal.json.subtasks.map((s: { key: string }) => s.key)).toEqual(["T-01", "T-02", "T-03", "T-04"]);
    const goalId = goal.json.goal_id as string;

    const tensor = await tool("get_task_tensor", { goal_id: goalId });
    expect(tensor.json.shape).toEqual([4, 1, 4]);
    expect(tensor.json.agent_ids).toEqual([agentId]);

    const done: string[] = [];
    for (let round = 0; round < 10 && done.length < 4; round++) {
      const assigned = await tool("assign_tasks");
      expect(assigned.isError).toBe(false);
      const heartbeat = await tool("update_heartbeat");
      expect(heartbeat.json).toMatchObject({ agent_id: agentId, status: "busy" });
      for (const a of assigned.json.assignments as Array<{ subtask_uuid: string; key: string; inputs: Array<{ key: string; result: string }> }>) {
        if (done.length > 0) expect(a.inputs.map((i) => i.key)).toEqual([done[done.length - 1]]);
        const completed = await tool("mark_completed", { subtask_uuid: a.subtask_uuid, result: `${a.key} done by the LLM` });
        expect(completed.isError).toBe(false);
        expect(completed.json.status).toBe("completed");
        done.push(a.key);
      }
    }
    expect(done).toEqual(["T-01", "T-02", "T-03", "T-04"]);

    const status = await tool("get_status");
    expect(status.json.goals.complete).toBe(1);
    expect(status.json.tasks.completed).toBe(4);
    const result = await tool("get_goal_result", { goal_id: goalId });
    expect(result.json).toMatchObject({ workflow_id: goalId, status: "complete", steps_completed: 4, steps_failed: 0, agents_used: ["llm-agent"] });
    expect(result.json.result.final_output).toBe("T-04 done by the LLM");
  });

  it("reports API errors as tool errors naming the code", async () => {
    const res = await tool("mark_completed", { subtask_uuid: "00000000-0000-4000-8000-000000000000", result: "x" });
    expect(res.isError).toBe(true);
    expect(res.text).toMatch(/^not_found \(404\): subtask 00000000-0000-4000-8000-000000000000 not found/);
  });
});

describe("switchyard-mcp decompose_goal with a plan and with a planning agent", () => {
  it("submits an explicit JSON plan as given (not silently dropped)", async () => {
    const goal = await tool("decompose_goal", {
      goal: "explicit plan over MCP",
      plan: { tasks: [{ key: "A", name: "First", required_skills: ["mcp-plan"] }, { key: "B", name: "Second", required_skills: ["mcp-plan"], depends_on: ["A"] }] },
      aggregation: "last",
    });
    expect(goal.isError).toBe(false);
    expect(goal.json.template).toBe("explicit");
    expect(goal.json.subtasks.map((s: { key: string; depends_on: string[] }) => [s.key, s.depends_on])).toEqual([["A", []], ["B", ["A"]]]);
    const bad = await tool("decompose_goal", { goal: "cyclic", plan: { tasks: [{ key: "A", name: "a", depends_on: ["A"] }] } });
    expect(bad.isError).toBe(true);
    expect(bad.text).toMatch(/depends on itself/);
  });

  it('planner "agent": the planning task goes to an agent with skill planning, whose spawn becomes the DAG', async () => {
    await tool("register_agent", { skills: ["planning", "mcp-work"], name: "llm-planner" });
    const goal = await tool("decompose_goal", { goal: "plan this over MCP", planner: "agent" });
    expect(goal.isError).toBe(false);
    expect(goal.json.template).toBe("agent");
    expect(goal.json.subtasks.map((s: { key: string; required_skills: string[] }) => [s.key, s.required_skills])).toEqual([["plan", ["planning"]]]);
    const goalId = goal.json.goal_id as string;

    const assigned = await tool("assign_tasks");
    const planTask = (assigned.json.assignments as Array<{ subtask_uuid: string; key: string }>).find((a) => a.key === "plan")!;
    expect(planTask).toBeDefined();
    const planned = await tool("mark_completed", {
      subtask_uuid: planTask.subtask_uuid,
      result: "two steps",
      spawn: { tasks: [{ key: "S1", name: "Step one", required_skills: ["mcp-work"] }, { key: "S2", name: "Step two", required_skills: ["mcp-work"], depends_on: ["S1"] }] },
    });
    expect(planned.isError).toBe(false);
    expect(planned.json.released).toBe(1);
    for (let round = 0; round < 5; round++) {
      const next = await tool("assign_tasks");
      for (const a of (next.json.assignments ?? []) as Array<{ subtask_uuid: string; key: string }>) await tool("mark_completed", { subtask_uuid: a.subtask_uuid, result: `${a.key} done` });
    }
    const result = await tool("get_goal_result", { goal_id: goalId });
    expect(result.json.status).toBe("complete");
    expect(result.json.result.outputs.map((o: { key: string }) => o.key)).toEqual(["plan", "S1", "S2"]);
    expect(result.json.result.final_output).toBe("S2 done");
  });
});
