// switchyard-mcp: seed 000's orchestration tools for an LLM client, as an MCP server on
// stdio. Configure with SWITCHYARD_URL (default http://localhost:3000) and, when the
// server has one, SWITCHYARD_OPERATOR_TOKEN. Logs go to stderr (stdout is the protocol).
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";
import { SwitchyardClient } from "switchyard-client";
import { createSwitchyardMcpServer } from "../lib/mcp/server";

const config = z
  .object({
    SWITCHYARD_URL: z.url().default("http://localhost:3000"),
    SWITCHYARD_OPERATOR_TOKEN: z.string().optional(),
    SWITCHYARD_AGENT_TOKEN: z.string().optional(),
    SWITCHYARD_REGISTRATION_TOKEN: z.string().optional(),
    SWITCHYARD_HEARTBEAT_MS: z.coerce.number().int().min(0).default(10_000),
  })
  .parse(process.env);

const client = new SwitchyardClient({ baseUrl: config.SWITCHYARD_URL, operatorToken: config.SWITCHYARD_OPERATOR_TOKEN, agentToken: config.SWITCHYARD_AGENT_TOKEN, registrationToken: config.SWITCHYARD_REGISTRATION_TOKEN || undefined });
const { server, close } = createSwitchyardMcpServer({ client, autoHeartbeatMs: config.SWITCHYARD_HEARTBEAT_MS });
await server.connect(new StdioServerTransport());
console.error(`[switchyard-mcp] serving on stdio for ${config.SWITCHYARD_URL}`);

const shutdown = async () => {
  close();
  if (client.agentId && client.agentToken) await client.unregister().catch(() => undefined);
  await server.close();
  process.exit(0);
};
process.stdin.on("end", () => void shutdown());
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
