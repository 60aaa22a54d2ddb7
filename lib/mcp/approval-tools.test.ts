// The MCP tools approve_task and reject_task (issue 10) over Streamable HTTP at /api/mcp,
// against a real server process (production build in NEXT_DIST_DIR).
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callTool } from "@/lib/testing/mcp";
import { startServer, type RunningServer } from "@/lib/testing/server";

let server: RunningServer;
let mcp: Client;

beforeAll(async () => {
  server = await startServer({ env: { NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? ".next" } });
  mcp = new Client({ name: "approval-tools-test", version: "1.0.0" });
  await mcp.connect(new StreamableHTTPClientTransport(new URL("/api/mcp", server.url)));
});

afterAll(async () => {
  await mcp?.close().catch(() => undefined);
  await server?.stop();
});

const tool = (name: string, args: Record<string, unknown>) => callTool(mcp, name, args);

async function post(path: string, body: unknown, token?: string) {
  const res = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

describe("MCP approve_task / reject_task", () => {
  it("reject_task sends the task back with feedback; approve_task with an edited result completes it", { timeout: 60_000 }, async () => {
    const { tools } = await mcp.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["approve_task", "reject_task"]));
    const agent = (await post("/api/orchestration/register", { skills: ["mcp-gate"], capacity: 2 })).json;
    const goal = (
      await post("/api/goals", {
        goal: "mcp gate",
        plan: { tasks: [{ key: "g", name: "gated", required_skills: ["mcp-gate"], approval: true }] },
      })
    ).json;
    const task = goal.subtasks[0].uuid as string;
    const pull = () => post("/api/orchestration/assign", { agent_id: agent.agent_id }, agent.token);
    await pull();
    expect((await post("/api/orchestration/complete", { subtask_uuid: task, result: "first try" }, agent.token)).status).toBe(200);

    const rejected = await tool("reject_task", { subtask_uuid: task, feedback: "shorter, please" });
    expect(rejected.isError, rejected.text).toBe(false);
    expect(rejected.json).toMatchObject({ subtask_uuid: task, status: "pending", rejected_attempt: 1 });
    const again = (await pull()).json.assignments[0];
    expect(again).toMatchObject({ attempt: 2, feedback: "shorter, please" });
    await post("/api/orchestration/complete", { subtask_uuid: task, result: "second try" }, agent.token);

    const approved = await tool("approve_task", { subtask_uuid: task, result: "edited by the operator" });
    expect(approved.isError, approved.text).toBe(false);
    expect(approved.json).toMatchObject({ status: "completed", edited: true });
    const twice = await tool("approve_task", { subtask_uuid: task });
    expect(twice.isError).toBe(true);
    expect(twice.text).toMatch(/conflict \(409\)/);
  });
});
