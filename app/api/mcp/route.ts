import { handler } from "@/lib/api/handler";
import { mcpMessageBody } from "@/lib/api/schemas/mcp";
import { handleMcpRequest } from "@/lib/mcp/http";

// Public: each tool acts through the REST API with the caller's Bearer token (agent or operator), so its rules apply.

// POST /api/mcp – MCP over Streamable HTTP: one JSON-RPC message in, its JSON answer out (stateless)
export const POST = handler({ auth: "public", body: mcpMessageBody }, async ({ req, body }) => handleMcpRequest(req, body));

// GET /api/mcp – no server-initiated stream in stateless mode (405 from the transport)
export const GET = handler({ auth: "public" }, async ({ req }) => handleMcpRequest(req));

// DELETE /api/mcp – no sessions to end in stateless mode (405 from the transport)
export const DELETE = handler({ auth: "public" }, async ({ req }) => handleMcpRequest(req));
