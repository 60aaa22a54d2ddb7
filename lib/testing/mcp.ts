// MCP tool calls through the SDK's own client, for the tests of the stdio and HTTP servers.
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";

/** Seed 000's seven tools, which every transport lists. */
export const SEED_TOOLS = [
  "register_agent",
  "decompose_goal",
  "assign_tasks",
  "get_status",
  "get_task_tensor",
  "mark_completed",
  "update_heartbeat",
];

/** Calls a tool: its text content joined, that text parsed where it is JSON, and its structured content. */
export async function callTool<T = any>(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<{ isError: boolean; text: string; json: T; structured: T }> {
  const res = (await client.callTool({ name, arguments: args })) as {
    isError?: boolean;
    content: Array<{ type: string; text: string }>;
    structuredContent?: T;
  };
  const text = res.content.map((c) => c.text).join("");
  let json: T = undefined as T;
  try {
    json = JSON.parse(text) as T;
  } catch {
    // plain text
  }
  return { isError: Boolean(res.isError), text, json, structured: res.structuredContent as T };
}
