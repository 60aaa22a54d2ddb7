import { handler, json } from "@/lib/api/handler";
import { createWebhookBody } from "@/lib/api/schemas/webhooks";
import { createWebhook, listWebhooks } from "@/lib/webhooks/registry";

// POST /api/webhooks – register a webhook (the secret is shown only in this answer)
export const POST = handler({ body: createWebhookBody }, async ({ body, actor }) => {
  return json(await createWebhook({ url: body.url, events: body.events, secret: body.secret, actor: actor() }), 201);
});

// GET /api/webhooks – the registered webhooks with their delivery counts
export const GET = handler({}, async () => ({ webhooks: await listWebhooks() }));
