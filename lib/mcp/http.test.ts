// MCP over Streamable HTTP at /api/mcp, served by the app itself: the SDK's own client
// registers (no token, as with the REST API), reconnects with its agent Bearer token and
// drives a goal to completion against a real server process.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callTool as call, SEED_TOOLS } from "@/lib/testing/mcp";
import { startServer, type RunningServer } from "@/lib/testing/server";

let server: RunningServer;
const open: Client[] = [];

beforeAll(async () => {
  server = await startServer({ env: { NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? ".next" } });
});

afterAll(async () => {
  await Promise.all(open.map((c) => c.close().catch(() => undefined)));
  await server?.stop();
});

async function connect(token?: string): Promise<Client> {
  const client = new Client({ name: "switchyard-http-test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL("/api/mcp", server.url), {
      requestInit: token ? { headers: { authorization: `Bearer ${token}` } } : {},
    }),
  );
  open.push(client);
  return client;
}

describe("MCP over Streamable HTTP at /api/mcp", () => {
  it("registers without a token, then drives a goal to completion with the agent's Bearer token", { timeout: 60_000 }, async () => {
    const anonymous = await connect();
    const { tools } = await anonymous.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(SEED_TOOLS));
    expect((await call(anonymous, "assign_tasks")).text).toMatch(/call register_agent first/);

    const registered = await call(anonymous, "register_agent", { skills: ["http-skill"], name: "remote-llm" });
    expect(registered.isError, registered.text).toBe(false);
    expect(registered.json.note).toMatch(/Bearer token/);
    const token = registered.json.token as string;
    const agentId = registered.json.agent_id as string;

    // Stateless: the identity is the Bearer token of each request.
    const agent = await connect(token);
    expect((await call(agent, "update_heartbeat")).json).toMatchObject({ agent_id: agentId, status: "idle" });
    const goal = await call(agent, "decompose_goal", {
      goal: "remote goal",
      plan_markdown:
        "| Task ID | Task Name | Description | Dependencies | Priority | Skills |\n|---|---|---|---|---|---|\n| H-1 | Fetch | get it | None | P1 | http-skill |\n| H-2 | Summarize | sum it up | H-1 | P1 | http-skill |",
    });
    expect(goal.isError, goal.text).toBe(false);
    const goalId = goal.json.goal_id as string;

    const done: string[] = [];
    for (let round = 0; round < 10 && done.length < 2; round++) {
      const assigned = await call(agent, "assign_tasks");
      expect(assigned.isError, assigned.text).toBe(false);
      for (const a of assigned.json.assignments as Array<{
        subtask_uuid: string;
        key: string;
        attempt: number;
        goal_id: string;
        inputs: Array<{ key: string; result: string }>;
      }>) {
        expect(a.goal_id).toBe(goalId);
        if (a.key === "H-2") expect(a.inputs).toEqual([{ key: "H-1", name: "Fetch", result: "H-1 over HTTP" }]);
        // The attempt comes back from assign_tasks: each HTTP request is a fresh MCP server.
        const completed = await call(agent, "mark_completed", {
          subtask_uuid: a.subtask_uuid,
          result: `${a.key} over HTTP`,
          attempt: a.attempt,
        });
        expect(completed.isError, completed.text).toBe(false);
        done.push(a.key);
      }
    }
    expect(done).toEqual(["H-1", "H-2"]);
    const result = await call(agent, "get_goal_result", { goal_id: goalId });
    expect(result.json).toMatchObject({ status: "complete", steps_completed: 2, agents_used: ["remote-llm"] });
    expect(result.json.result.final_output).toBe("H-2 over HTTP");
  });

  it("refuses a wrong agent token on agent tools", async () => {
    const intruder = await connect("00000000-0000-4000-8000-000000000000.not-the-secret");
    const res = await call(intruder, "update_heartbeat");
    expect(res.isError).toBe(true);
    expect(res.text).toMatch(/^unauthorized \(401\)/);
  });
});
