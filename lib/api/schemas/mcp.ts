// POST /api/mcp: the JSON-RPC message an MCP client sends (a request or a notification).
// Checked before the MCP transport sees it, so a malformed one is the API's usual 4xx
// naming the field (strict: an unknown top-level field is refused).
import { z } from "zod";

export const mcpMessageBody = z.strictObject({
  jsonrpc: z.literal("2.0", { error: 'must be "2.0"' }),
  method: z.string().min(1, "method cannot be empty").max(200),
  id: z.union([z.string().max(200), z.number().int()]).optional(),
  params: z.record(z.string(), z.unknown()).optional(),
});

/** A JSON-RPC answer of the MCP transport (a result or a JSON-RPC error). */
export const mcpAnswer = z
  .object({
    jsonrpc: z.literal("2.0"),
    id: z.union([z.string(), z.number()]).nullable().optional(),
    result: z.unknown().optional(),
    error: z.object({ code: z.number(), message: z.string() }).loose().optional(),
  })
  .meta({ id: "McpJsonRpcAnswer" });
