import { handler } from "@/lib/api/handler";
import { handleMcpRequest } from "@/lib/mcp/http";

// Auth is the tools' own: each acts through the REST API with the caller's Bearer token.

// POST /api/mcp – MCP over Streamable HTTP (JSON-RPC request → JSON response)
export const POST = handler({ auth: "public" }, async ({ req }) => handleMcpRequest(req));

// GET /api/mcp – no server-initiated stream in stateless mode (405 from the transport)
export const GET = handler({ auth: "public" }, async ({ req }) => handleMcpRequest(req));

// DELETE /api/mcp – no sessions to end in stateless mode (405 from the transport)
export const DELETE = handler({ auth: "public" }, async ({ req }) => handleMcpRequest(req));
