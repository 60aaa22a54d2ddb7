import { handler } from "@/lib/api/handler";
import { DOCS_HTML } from "@/lib/docs/swagger-ui";

// GET /docs – the API reference: the OpenAPI document rendered by Swagger UI (bundled from npm)
export const GET = handler(
  { auth: "public" },
  async () => new Response(DOCS_HTML, { headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" } }),
);
