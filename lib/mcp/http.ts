// MCP over Streamable HTTP, served by the app at /api/mcp (stateless: every request gets a
// fresh MCP server whose client carries the caller's Bearer token). An agent token
// (`<agent id>.<secret>`) makes the tools act as that agent; any other Bearer token is
// passed on as the operator token; with none, register_agent works as with the REST API.
// The tools call the REST API of this same server over loopback, so every rule (auth,
// fencing, rate limits, validation) is the REST API's own.
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { SwitchyardClient } from "switchyard-client";
import { env } from "@/lib/env";
import { createSwitchyardMcpServer } from "@/lib/mcp/server";

const AGENT_TOKEN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.[A-Za-z0-9_-]+$/i;

/** This server's own address on loopback (the MCP tools' REST calls). */
export function selfUrl(): string {
  const { HOST, PORT } = env();
  const host = !HOST || HOST === "0.0.0.0" || HOST === "::" ? "127.0.0.1" : HOST.includes(":") ? `[${HOST}]` : HOST;
  return process.env.SWITCHYARD_SELF_URL ?? `http://${host}:${PORT}`;
}

export function clientForRequest(req: Request): SwitchyardClient {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.get("authorization") ?? "")?.[1];
  const isAgent = !!bearer && AGENT_TOKEN.test(bearer);
  return new SwitchyardClient({
    baseUrl: selfUrl(),
    agentToken: isAgent ? bearer : undefined,
    operatorToken: isAgent ? undefined : bearer,
  });
}

/** `parsedBody`: the JSON-RPC message the route already read and checked. */
export async function handleMcpRequest(req: Request, parsedBody?: unknown): Promise<Response> {
  const { server, close } = createSwitchyardMcpServer({
    client: clientForRequest(req),
    tokenHint: "send it as the Bearer token (Authorization header) of your MCP connection",
  });
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  try {
    await server.connect(transport);
    return await transport.handleRequest(req, parsedBody === undefined ? undefined : { parsedBody });
  } finally {
    close();
    void server.close().catch(() => undefined);
  }
}
