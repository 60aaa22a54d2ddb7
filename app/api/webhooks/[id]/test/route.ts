import { handler, json } from "@/lib/api/handler";
import { idParams } from "@/lib/api/schemas";
import { sendTestDelivery } from "@/lib/webhooks/registry";

// POST /api/webhooks/:id/test – queue a signed test delivery (event type webhook.test)
export const POST = handler({ params: idParams }, async ({ params, actor }) => json(await sendTestDelivery(params.id, actor()), 202));
