import { z } from "zod";
import { handler } from "@/lib/api/handler";
import { SwitchyardError } from "@/lib/errors";
import { docsAsset } from "@/lib/docs/swagger-ui";

// GET /docs/:asset – Swagger UI's script and stylesheet from swagger-ui-dist, and its initializer
export const GET = handler({ auth: "public", params: z.strictObject({ asset: z.string().max(100) }) }, async ({ params }) => {
  const asset = await docsAsset(params.asset);
  if (!asset) throw new SwitchyardError("not_found", `no such docs asset: ${params.asset}`, { field: "asset" });
  return new Response(new Uint8Array(Buffer.isBuffer(asset.body) ? asset.body : Buffer.from(asset.body)), {
    headers: { "content-type": asset.type, "cache-control": "public, max-age=3600" },
  });
});
