// Request schemas of the webhook routes (POST/GET /api/webhooks, /api/webhooks/:id/…).
import { z } from "zod";
import { WEBHOOK_DELIVERY_STATUSES, WEBHOOK_EVENT_TYPES } from "@/lib/domain";
import { storable, STORABLE } from "@/lib/orchestration/plan-schema";

/** Only http and https, a host, no whitespace: checked at registration. */
export const webhookUrlSchema = z
  .string()
  .trim()
  .min(1, "url cannot be empty")
  .max(2048)
  .refine(storable, STORABLE)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "" && !/\s/.test(value);
    } catch {
      return false;
    }
  }, "url must be an absolute http:// or https:// URL");

export const createWebhookBody = z.strictObject({
  url: webhookUrlSchema,
  events: z
    .array(z.enum(WEBHOOK_EVENT_TYPES))
    .min(1, "subscribe to at least one event")
    .max(WEBHOOK_EVENT_TYPES.length * 2),
  /** Signs the deliveries (HMAC-SHA256); generated and shown once when absent. */
  secret: z
    .string()
    .min(16, "a secret is at least 16 characters")
    .max(256)
    .regex(/^[\x21-\x7e]+$/, "a secret is printable ASCII without spaces")
    .optional(),
});

export const webhookDeliveriesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional(),
});

// --- responses ---
const time = z.iso.datetime({ offset: true });
const counts = z.object({ pending: z.number().int(), delivered: z.number().int(), failed: z.number().int() });

export const webhookView = z
  .object({
    id: z.string().uuid(),
    url: z.string(),
    events: z.array(z.string()),
    created_at: time,
    deliveries: counts.meta({ description: "deliveries by status" }),
    last_delivery_at: time.nullable(),
  })
  .meta({ id: "Webhook" });

export const createdWebhook = z
  .object({
    id: z.string().uuid(),
    url: z.string(),
    events: z.array(z.string()),
    secret: z.string().meta({ description: "the signing secret: shown only in this answer" }),
    created_at: time,
  })
  .meta({ id: "CreatedWebhook" });

export const webhooksResponse = z.object({ webhooks: z.array(webhookView) }).meta({ id: "WebhooksResponse" });
export const webhookDeletedResponse = z.object({ deleted: z.string().uuid() }).meta({ id: "WebhookDeleted" });
export const webhookTestResponse = z.object({ event_id: z.string(), delivery_id: z.number().int() }).meta({ id: "WebhookTestQueued" });

export const webhookDelivery = z
  .object({
    id: z.number().int(),
    event_id: z.string().meta({ description: "the Switchyard-Event-Id of the delivery (the event's seq; test_<uuid> for a test)" }),
    event_type: z.string(),
    status: z.enum(WEBHOOK_DELIVERY_STATUSES),
    attempts: z.number().int(),
    next_attempt_at: time.nullable().meta({ description: "when a pending delivery is tried next" }),
    last_attempt_at: time.nullable(),
    last_status_code: z.number().int().nullable(),
    last_latency_ms: z.number().int().nullable(),
    last_error: z.string().nullable(),
    created_at: time,
    delivered_at: time.nullable(),
  })
  .meta({ id: "WebhookDelivery" });

export const webhookDeliveriesResponse = z.object({ deliveries: z.array(webhookDelivery) }).meta({ id: "WebhookDeliveries" });
