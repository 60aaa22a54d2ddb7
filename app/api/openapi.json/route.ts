import { handler } from "@/lib/api/handler";
import { buildOpenApiDocument, requestOrigin } from "@/lib/api/openapi";

// GET /api/openapi.json – the OpenAPI 3.1 document, generated from the routes' zod schemas; `servers` is this server's own URL
export const GET = handler({ auth: "public" }, async ({ req }) => buildOpenApiDocument(requestOrigin(req)));
