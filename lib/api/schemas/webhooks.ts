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
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1, "subscribe to at least one event").max(WEBHOOK_EVENT_TYPES.length * 2),
  /** Signs the deliveries (HMAC-SHA256); generated and shown once when absent. */
  secret: z.string().min(16, "a secret is at least 16 characters").max(256).regex(/^[\x21-\x7e]+$/, "a secret is printable ASCII without spaces").optional(),
});

export const webhookDeliveriesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional(),
});
