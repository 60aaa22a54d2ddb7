// The MCP server end to end: the SDK's own Client over a stdio transport, spawning
// bin/switchyard-mcp.mjs, against a real server process and PostgreSQL.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SwitchyardClient } from "switchyard-client";
import { callTool as call, SEED_TOOLS } from "@/lib/testing/mcp";
import { startServer, type RunningServer } from "@/lib/testing/server";

let server: RunningServer;
let mcp: Client;
const scratch = mkdtempSync(path.join(tmpdir(), "sy-mcp-"));

/** A switchyard-mcp process on stdio, with the SDK's client connected to it. */
async function connectMcp(env: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: "switchyard-test", version: "1.0.0" });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [path.resolve(import.meta.dirname, "switchyard-mcp.mjs")],
      cwd: tmpdir(), // works from anywhere, not only the repository
      env: { PATH: process.env.PATH ?? "", SWITCHYARD_URL: server.url, SWITCHYARD_HEARTBEAT_MS: "1000", ...env },
      stderr: "pipe",
    }),
  );
  return client;
}

beforeAll(async () => {
  server = await startServer({ env: { NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? ".next" } });
  mcp = await connectMcp();
});

afterAll(async () => {
  await mcp?.close();
  await server?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

const tool = <T = any>(name: string, args: Record<string, unknown> = {}) => call<T>(mcp, name, args);

describe("switchyard-mcp", () => {
  it("exposes seed 000's seven tools", async () => {
    const { tools } = await mcp.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(SEED_TOOLS));
    const register = tools.find((t) => t.name === "register_agent")!;
    expect(register.inputSchema.required).toEqual(["skills"]);
  });

  it("describes every tool so an LLM can act on it: titles, described parameters, annotations, output schemas, short schemas", async () => {
    const { tools } = await mcp.listTools();
    for (const t of tools) {
      expect(t.title, t.name).toBeTruthy();
      expect(t.annotations?.title, t.name).toBe(t.title);
      expect(typeof t.annotations?.readOnlyHint, t.name).toBe("boolean");
      expect(typeof t.annotations?.idempotentHint, t.name).toBe("boolean");
      expect(t.outputSchema?.type, t.name).toBe("object");
      for (const [param, schema] of Object.entries((t.inputSchema.properties ?? {}) as Record<string, { description?: string }>)) {
        expect(schema.description, `${t.name}.${param}`).toBeTruthy();
      }
      // No 140-character uuid regexes (or any long pattern) in what the LLM reads.
      const patterns = JSON.stringify(t.inputSchema).match(/"pattern":"((?:[^"\\]|\\.)*)"/g) ?? [];
      for (const p of patterns) expect(p.length, `${t.name} ${p}`).toBeLessThan(60);
    }
    const readOnly = tools
      .filter((t) => t.annotations?.readOnlyHint)
      .map((t) => t.name)
      .sort();
    expect(readOnly).toEqual(["get_goal_result", "get_status", "get_task_tensor"]);
    const assign = tools.find((t) => t.name === "assign_tasks")!;
    const item = (assign.outputSchema!.properties as { assignments: { items: { properties: Record<string, unknown> } } }).assignments.items
      .properties;
    expect(Object.keys(item)).toEqual(expect.arrayContaining(["goal_id", "goal", "attempt", "timeout_s", "deadline_at"]));
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
    expect(registered.json.token).toMatch(new RegExp(`^${agentId}\\.`));
    expect(registered.json.note).toMatch(/Keep this token/);
    expect(registered.structured).toEqual(registered.json);

    const goal = await tool("decompose_goal", { goal: "develop authentication system", context: "Node.js service with JWT" });
    expect(goal.isError).toBe(false);
    expect(goal.json.template).toBe("development");
    expect(goal.json.subtasks.map((s: { key: string }) => s.key)).toEqual(["T-01", "T-02", "T-03", "T-04"]);
    const goalId = goal.json.goal_id as string;

    const tensor = await tool("get_task_tensor", { goal_id: goalId });
    expect(tensor.json.shape).toEqual([4, 1, 4]);
    expect(tensor.text.split("\n")).toHaveLength(1); // compact: not one number per line
    expect(tensor.json.agent_ids).toEqual([agentId]);

    const done: string[] = [];
    for (let round = 0; round < 10 && done.length < 4; round++) {
      const assigned = await tool("assign_tasks");
      expect(assigned.isError).toBe(false);
      const heartbeat = await tool("update_heartbeat");
      expect(heartbeat.json).toMatchObject({ agent_id: agentId, status: "busy" });
      for (const a of assigned.json.assignments as Array<{
        subtask_uuid: string;
        key: string;
        goal_id: string;
        attempt: number;
        timeout_s: number;
        inputs: Array<{ key: string; result: string }>;
      }>) {
        expect(a).toMatchObject({ goal_id: goalId, attempt: 1 });
        expect(a.timeout_s).toBeGreaterThan(0);
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
    expect(result.json).toMatchObject({
      workflow_id: goalId,
      status: "complete",
      steps_completed: 4,
      steps_failed: 0,
      agents_used: ["llm-agent"],
    });
    expect(result.json.result.final_output).toBe("T-04 done by the LLM");
  });

  it("reports API errors as tool errors naming the code", async () => {
    const res = await tool("mark_completed", { subtask_uuid: "00000000-0000-4000-8000-000000000000", result: "x" });
    expect(res.isError).toBe(true);
    expect(res.text).toMatch(/^not_found \(404\): subtask 00000000-0000-4000-8000-000000000000 not found/);
  });

  it(
    "keeps its identity across restarts (token file, SWITCHYARD_AGENT_TOKEN), never unregisters on exit, and still holds its tasks",
    { timeout: 60_000 },
    async () => {
      const tokenFile = path.join(scratch, "agent.token");
      const first = await connectMcp({ SWITCHYARD_AGENT_TOKEN_FILE: tokenFile });
      const registered = await call(first, "register_agent", { skills: ["restart-skill"], name: "restarting-llm" });
      expect(registered.json.token_saved_to).toBe(tokenFile);
      expect(registered.json.note).toContain(tokenFile);
      expect(readFileSync(tokenFile, "utf8").trim()).toBe(registered.json.token);
      const agentId = registered.json.agent_id as string;

      const goal = await call(first, "decompose_goal", {
        goal: "restart test",
        plan_markdown:
          "| Task ID | Task Name | Description | Dependencies | Priority | Skills |\n|---|---|---|---|---|---|\n| R-1 | One | first | None | P1 | restart-skill |\n| R-2 | Two | second | None | P1 | restart-skill |",
      });
      expect(goal.isError, goal.text).toBe(false);
      const held = await call(first, "assign_tasks", { max: 1 });
      expect(held.json.assignments).toHaveLength(1);
      const task = held.json.assignments[0] as { subtask_uuid: string; key: string; attempt: number };
      await first.close(); // the MCP server process exits

      // Not unregistered: the agent is still there and still holds the task.
      const rest = new SwitchyardClient({ baseUrl: server.url });
      const agents = await rest.agents();
      expect(agents.find((a) => a.id === agentId)).toMatchObject({ name: "restarting-llm", running: 1 });
      expect(await rest.task(task.subtask_uuid)).toMatchObject({ status: "running", agent_id: agentId, attempt: task.attempt });

      // Restarted from the token file: the same agent, completing the task it held.
      const second = await connectMcp({ SWITCHYARD_AGENT_TOKEN_FILE: tokenFile });
      const beat = await call(second, "update_heartbeat");
      expect(beat.json).toMatchObject({ agent_id: agentId, status: "busy" });
      const done = await call(second, "mark_completed", {
        subtask_uuid: task.subtask_uuid,
        result: "finished after a restart",
        attempt: task.attempt,
      });
      expect(done.isError, done.text).toBe(false);
      expect(done.json.status).toBe("completed");
      const next = await call(second, "assign_tasks");
      expect(next.json.assignments).toHaveLength(1);
      const other = next.json.assignments[0] as { subtask_uuid: string };
      await second.close();

      // Restarted with SWITCHYARD_AGENT_TOKEN: the same agent again (no attempt passed: the task is still its own).
      const third = await connectMcp({ SWITCHYARD_AGENT_TOKEN: registered.json.token });
      const finished = await call(third, "mark_completed", { subtask_uuid: other.subtask_uuid, result: "second one" });
      expect(finished.isError, finished.text).toBe(false);
      const result = await call(third, "get_goal_result", { goal_id: goal.json.goal_id });
      expect(result.json).toMatchObject({ status: "complete", agents_used: ["restarting-llm"] });
      await third.close();
      expect((await rest.agents()).filter((a) => a.name === "restarting-llm")).toHaveLength(1);
      expect(existsSync(tokenFile)).toBe(true);
    },
  );
});

describe("switchyard-mcp decompose_goal with a plan and with a planning agent", () => {
  it("submits an explicit JSON plan as given (not silently dropped)", async () => {
    const goal = await tool("decompose_goal", {
      goal: "explicit plan over MCP",
      plan: {
        tasks: [
          { key: "A", name: "First", required_skills: ["mcp-plan"] },
          { key: "B", name: "Second", required_skills: ["mcp-plan"], depends_on: ["A"] },
        ],
      },
      aggregation: "last",
    });
    expect(goal.isError).toBe(false);
    expect(goal.json.template).toBe("explicit");
    expect(goal.json.subtasks.map((s: { key: string; depends_on: string[] }) => [s.key, s.depends_on])).toEqual([
      ["A", []],
      ["B", ["A"]],
    ]);
    const bad = await tool("decompose_goal", { goal: "cyclic", plan: { tasks: [{ key: "A", name: "a", depends_on: ["A"] }] } });
    expect(bad.isError).toBe(true);
    expect(bad.text).toMatch(/depends on itself/);
  });

  it('planner "agent": the planning task goes to an agent with skill planning, whose spawn becomes the DAG', async () => {
    await tool("register_agent", { skills: ["planning", "mcp-work"], name: "llm-planner" });
    const goal = await tool("decompose_goal", { goal: "plan this over MCP", planner: "agent" });
    expect(goal.isError).toBe(false);
    expect(goal.json.template).toBe("agent");
    expect(goal.json.subtasks.map((s: { key: string; required_skills: string[] }) => [s.key, s.required_skills])).toEqual([
      ["plan", ["planning"]],
    ]);
    const goalId = goal.json.goal_id as string;

    const assigned = await tool("assign_tasks");
    const planTask = (assigned.json.assignments as Array<{ subtask_uuid: string; key: string }>).find((a) => a.key === "plan")!;
    expect(planTask).toBeDefined();
    const planned = await tool("mark_completed", {
      subtask_uuid: planTask.subtask_uuid,
      result: "two steps",
      spawn: {
        tasks: [
          { key: "S1", name: "Step one", required_skills: ["mcp-work"] },
          { key: "S2", name: "Step two", required_skills: ["mcp-work"], depends_on: ["S1"] },
        ],
      },
    });
    expect(planned.isError).toBe(false);
    expect(planned.json.released).toBe(1);
    for (let round = 0; round < 5; round++) {
      const next = await tool("assign_tasks");
      for (const a of (next.json.assignments ?? []) as Array<{ subtask_uuid: string; key: string }>)
        await tool("mark_completed", { subtask_uuid: a.subtask_uuid, result: `${a.key} done` });
    }
    const result = await tool("get_goal_result", { goal_id: goalId });
    expect(result.json.status).toBe("complete");
    expect(result.json.result.outputs.map((o: { key: string }) => o.key)).toEqual(["plan", "S1", "S2"]);
    expect(result.json.result.final_output).toBe("S2 done");
  });
});
