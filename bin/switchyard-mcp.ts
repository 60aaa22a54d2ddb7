// switchyard-mcp: seed 000's orchestration tools for an LLM client, as an MCP server on
// stdio. Configure with SWITCHYARD_URL (default http://localhost:3000) and, when the
// server has one, SWITCHYARD_OPERATOR_TOKEN. The agent's identity: SWITCHYARD_AGENT_TOKEN,
// or SWITCHYARD_AGENT_TOKEN_FILE (read at start when it exists; register_agent saves the
// new token there). The agent is never unregistered on exit: a restart with the same token
// is the same agent, still holding its tasks. Logs go to stderr (stdout is the protocol).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";
import { SwitchyardClient } from "switchyard-client";
import { createSwitchyardMcpServer } from "../lib/mcp/server";

const config = z
  .object({
    SWITCHYARD_URL: z.url().default("http://localhost:3000"),
    SWITCHYARD_OPERATOR_TOKEN: z.string().optional(),
    SWITCHYARD_AGENT_TOKEN: z.string().optional(),
    SWITCHYARD_AGENT_TOKEN_FILE: z.string().optional(),
    SWITCHYARD_REGISTRATION_TOKEN: z.string().optional(),
    SWITCHYARD_HEARTBEAT_MS: z.coerce.number().int().min(0).default(10_000),
  })
  .parse(process.env);

const tokenFile = config.SWITCHYARD_AGENT_TOKEN_FILE ? path.resolve(config.SWITCHYARD_AGENT_TOKEN_FILE) : undefined;
const savedToken = tokenFile && existsSync(tokenFile) ? readFileSync(tokenFile, "utf8").trim() || undefined : undefined;
const agentToken = config.SWITCHYARD_AGENT_TOKEN || savedToken;

const client = new SwitchyardClient({
  baseUrl: config.SWITCHYARD_URL,
  operatorToken: config.SWITCHYARD_OPERATOR_TOKEN,
  agentToken,
  registrationToken: config.SWITCHYARD_REGISTRATION_TOKEN || undefined,
});
const { server, close } = createSwitchyardMcpServer({
  client,
  autoHeartbeatMs: config.SWITCHYARD_HEARTBEAT_MS,
  persistToken: tokenFile
    ? (token) => {
        mkdirSync(path.dirname(tokenFile), { recursive: true });
        writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
        return tokenFile;
      }
    : undefined,
  tokenHint: "set SWITCHYARD_AGENT_TOKEN to it (or SWITCHYARD_AGENT_TOKEN_FILE to a file holding it) in this MCP server's configuration",
});
await server.connect(new StdioServerTransport());
console.error(`[switchyard-mcp] serving on stdio for ${config.SWITCHYARD_URL}${client.agentId ? ` as agent ${client.agentId}` : ""}`);

// On exit the agent stays registered (its heartbeat stops; the server's sweeper decides
// when it is offline). Unregistering would hand its tasks to others on every restart.
const shutdown = async () => {
  close();
  await server.close();
  process.exit(0);
};
process.stdin.on("end", () => void shutdown());
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
