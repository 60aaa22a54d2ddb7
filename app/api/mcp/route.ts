import { handler } from "@/lib/api/handler";
import { mcpMessageBody } from "@/lib/api/schemas/mcp";
import { handleMcpRequest } from "@/lib/mcp/http";

// Public: each tool acts through the REST API with the caller's Bearer token (agent or operator), so its rules apply.

// POST /api/mcp – MCP over Streamable HTTP: one JSON-RPC message in, its JSON answer out (stateless)
export const POST = handler({ auth: "public", body: mcpMessageBody }, async ({ req, body }) => handleMcpRequest(req, body));

// GET and DELETE are not offered (stateless: no server-initiated stream, no session): Next answers 405.
