// Webhooks the operator registers: create (URL checked, secret generated when none is
// given and shown only then), list with delivery counts, delete, send a test delivery,
// and the delivery log of one webhook.
import { randomBytes, randomUUID } from "node:crypto";
import { db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { withEvents } from "@/lib/events/record";
import { WEBHOOK_TEST_EVENT, type WebhookDeliveryStatus, type WebhookEventType } from "@/lib/domain";
import { wakeDispatcher } from "@/lib/webhooks/wake";

export interface WebhookView {
  id: string;
  url: string;
  events: string[];
  created_at: Date;
  deliveries: Record<WebhookDeliveryStatus, number>;
  last_delivery_at: Date | null;
}

export function generateSecret(): string {
  return `whsec_${randomBytes(24).toString("base64url")}`;
}

export async function createWebhook(options: { url: string; events: WebhookEventType[]; secret?: string; actor: string }) {
  const id = randomUUID();
  const secret = options.secret ?? generateSecret();
  const events = [...new Set(options.events)];
  const createdAt = await withEvents(async (tx, emit) => {
    const rows = await tx.$queryRaw<Array<{ created_at: Date }>>`
      INSERT INTO webhooks (id, url, events, secret) VALUES (${id}::uuid, ${options.url}, ${events}::text[], ${secret}) RETURNING created_at`;
    emit({ type: "webhook.created", actor: options.actor, data: { webhook_id: id, url: options.url, events } });
    return rows[0]!.created_at;
  });
  wakeDispatcher(); // this process's commits wake it from now on
  return { id, url: options.url, events, secret, created_at: createdAt };
}

const COUNTS = `
  (SELECT count(*)::int FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.status = 'pending') AS pending,
  (SELECT count(*)::int FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.status = 'delivered') AS delivered,
  (SELECT count(*)::int FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.status = 'failed') AS failed,
  (SELECT max(d.last_attempt_at) FROM webhook_deliveries d WHERE d.webhook_id = w.id) AS last_delivery_at`;

type WebhookRow = {
  id: string;
  url: string;
  events: string[];
  created_at: Date;
  pending: number;
  delivered: number;
  failed: number;
  last_delivery_at: Date | null;
};

function present(r: WebhookRow): WebhookView {
  return {
    id: r.id,
    url: r.url,
    events: r.events,
    created_at: r.created_at,
    deliveries: { pending: r.pending, delivered: r.delivered, failed: r.failed },
    last_delivery_at: r.last_delivery_at,
  };
}

export async function listWebhooks(): Promise<WebhookView[]> {
  const rows = await db().$queryRawUnsafe<WebhookRow[]>(
    `SELECT w.id, w.url, w.events, w.created_at, ${COUNTS} FROM webhooks w ORDER BY w.created_at, w.id`,
  );
  return rows.map(present);
}

export async function getWebhook(id: string): Promise<WebhookView> {
  const rows = await db().$queryRawUnsafe<WebhookRow[]>(
    `SELECT w.id, w.url, w.events, w.created_at, ${COUNTS} FROM webhooks w WHERE w.id = $1::uuid`,
    id,
  );
  if (!rows[0]) throw notFound("webhook", id, "id");
  return present(rows[0]);
}

export async function deleteWebhook(id: string, actor: string): Promise<void> {
  await withEvents(async (tx, emit) => {
    const rows = await tx.$queryRaw<Array<{ url: string }>>`DELETE FROM webhooks WHERE id = ${id}::uuid RETURNING url`;
    if (!rows[0]) throw notFound("webhook", id, "id");
    emit({ type: "webhook.deleted", actor, data: { webhook_id: id, url: rows[0].url } });
  });
}

/** Queues a test delivery (not an event of the log: its id starts with `test_`). */
export async function sendTestDelivery(id: string, actor: string): Promise<{ event_id: string; delivery_id: number }> {
  const eventId = `test_${randomUUID()}`;
  const payload = {
    id: eventId,
    type: WEBHOOK_TEST_EVENT,
    created_at: new Date().toISOString(),
    actor,
    data: { message: "a test delivery from Switchyard" },
  };
  const rows = await db().$queryRaw<Array<{ id: bigint }>>`
    INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, payload)
    SELECT w.id, ${eventId}, ${WEBHOOK_TEST_EVENT}, ${JSON.stringify(payload)}::jsonb FROM webhooks w WHERE w.id = ${id}::uuid
    RETURNING id`;
  if (!rows[0]) throw notFound("webhook", id, "id");
  wakeDispatcher();
  return { event_id: eventId, delivery_id: Number(rows[0].id) };
}

export async function listDeliveries(webhookId: string, options: { limit: number; status?: WebhookDeliveryStatus }) {
  await getWebhook(webhookId);
  const rows = await db().$queryRaw<
    Array<{
      id: bigint;
      event_id: string;
      event_type: string;
      status: WebhookDeliveryStatus;
      attempts: number;
      next_attempt_at: Date;
      last_attempt_at: Date | null;
      last_status_code: number | null;
      last_latency_ms: number | null;
      last_error: string | null;
      created_at: Date;
      delivered_at: Date | null;
    }>
  >`
    SELECT id, event_id, event_type, status, attempts, next_attempt_at, last_attempt_at, last_status_code, last_latency_ms, last_error, created_at, delivered_at
    FROM webhook_deliveries WHERE webhook_id = ${webhookId}::uuid AND (${options.status ?? null}::text IS NULL OR status = ${options.status ?? null})
    ORDER BY id DESC LIMIT ${options.limit}`;
  return rows.map((r) => ({ ...r, id: Number(r.id), next_attempt_at: r.status === "pending" ? r.next_attempt_at : null }));
}
