import { handler } from "@/lib/api/handler";
import { idParams } from "@/lib/api/schemas";
import { webhookDeliveriesQuery } from "@/lib/api/schemas/webhooks";
import { listDeliveries } from "@/lib/webhooks/registry";

// GET /api/webhooks/:id/deliveries – the delivery log: status, attempts, latency, last error
export const GET = handler({ params: idParams, query: webhookDeliveriesQuery }, async ({ params, query }) => ({
  deliveries: await listDeliveries(params.id, { limit: query.limit, status: query.status }),
}));
