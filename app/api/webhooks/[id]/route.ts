import { handler } from "@/lib/api/handler";
import { idParams } from "@/lib/api/schemas";
import { deleteWebhook, getWebhook } from "@/lib/webhooks/registry";

// GET /api/webhooks/:id – one webhook with its delivery counts
export const GET = handler({ params: idParams }, async ({ params }) => getWebhook(params.id));

// DELETE /api/webhooks/:id – remove a webhook (its pending deliveries go with it)
export const DELETE = handler({ params: idParams }, async ({ params, actor }) => {
  await deleteWebhook(params.id, actor());
  return { deleted: params.id };
});
