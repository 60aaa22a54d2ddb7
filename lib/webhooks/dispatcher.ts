// Sends webhook deliveries from the outbox. Every instance runs a dispatcher; a delivery is
// claimed by one at a time: the claim (FOR UPDATE SKIP LOCKED, committed at once) moves
// the row's next_attempt_at past the delivery timeout — a lease — and counts the attempt.
// The outcome is written only by the claim that is still current (same attempt number),
// so an instance that was SIGKILLed mid-delivery leaves the row pending, and another
// instance claims it again once the lease has run out: at-least-once, with the event's id
// in `Switchyard-Event-Id` so receivers can drop repeats. Failures retry with exponential
// backoff and jitter until the delivery is WEBHOOK_MAX_AGE_MS old (24 h), then it fails.
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { EVENTS_COMMITTED, eventBus } from "@/lib/events/bus";
import { retryDelayMs } from "@/lib/orchestration/backoff";
import { EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, signatureHeader } from "@/lib/webhooks/signature";
import { WEBHOOKS_QUEUED } from "@/lib/webhooks/wake";

export interface DispatcherOptions {
  timeoutMs: number;
  maxResponseBytes: number;
  retryBaseMs: number;
  retryMaxMs: number;
  maxAgeMs: number;
  /** Deliveries claimed per round. */
  batch: number;
}

export function dispatcherOptions(): DispatcherOptions {
  const e = env();
  return {
    timeoutMs: e.WEBHOOK_TIMEOUT_MS,
    maxResponseBytes: e.WEBHOOK_MAX_RESPONSE_BYTES,
    retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
    retryMaxMs: e.WEBHOOK_RETRY_MAX_MS,
    maxAgeMs: e.WEBHOOK_MAX_AGE_MS,
    batch: 20,
  };
}

/** Margin of a claim's lease beyond the delivery timeout. */
const LEASE_MARGIN_MS = 2_000;

interface ClaimedDelivery {
  id: bigint;
  event_id: string;
  event_type: string;
  payload: unknown;
  attempts: number;
  created_at: Date;
  url: string;
  secret: string;
}

export interface DeliveryOutcome {
  ok: boolean;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

/** Claims due deliveries for this instance (committed at once: the lease is the claim). */
export async function claimDueDeliveries(options: DispatcherOptions, now = new Date()): Promise<ClaimedDelivery[]> {
  const leaseUntil = new Date(now.getTime() + options.timeoutMs + LEASE_MARGIN_MS);
  return db().$queryRaw<ClaimedDelivery[]>`
    WITH due AS (
      SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ${now}
      ORDER BY next_attempt_at, id LIMIT ${options.batch} FOR UPDATE SKIP LOCKED
    )
    UPDATE webhook_deliveries d SET attempts = d.attempts + 1, next_attempt_at = ${leaseUntil}, last_attempt_at = ${now}
    FROM due, webhooks w WHERE d.id = due.id AND w.id = d.webhook_id
    RETURNING d.id, d.event_id, d.event_type, d.payload, d.attempts, d.created_at, w.url, w.secret`;
}

/** Reads at most `max` bytes of the answer, then lets the rest go. */
async function drainCapped(response: Response, max: number): Promise<number> {
  if (!response.body) return 0;
  const reader = response.body.getReader();
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size >= max) break;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Math.min(size, max);
}

/** One POST of one delivery: signed, with a timeout, never following redirects. */
export async function sendDelivery(
  delivery: Pick<ClaimedDelivery, "url" | "secret" | "event_id" | "event_type" | "payload">,
  options: Pick<DispatcherOptions, "timeoutMs" | "maxResponseBytes">,
): Promise<DeliveryOutcome> {
  const body = JSON.stringify(delivery.payload);
  const started = performance.now();
  try {
    const response = await fetch(delivery.url, {
      method: "POST",
      redirect: "manual",
      signal: AbortSignal.timeout(options.timeoutMs),
      headers: {
        "content-type": "application/json",
        "user-agent": "Switchyard-Webhooks/1",
        [SIGNATURE_HEADER]: signatureHeader(delivery.secret, body),
        [EVENT_ID_HEADER]: delivery.event_id,
        [EVENT_TYPE_HEADER]: delivery.event_type,
      },
      body,
    });
    await drainCapped(response, options.maxResponseBytes);
    const latencyMs = Math.round(performance.now() - started);
    const ok = response.status >= 200 && response.status < 300;
    return { ok, statusCode: response.status, latencyMs, error: ok ? null : `the receiver answered ${response.status}` };
  } catch (error) {
    const latencyMs = Math.round(performance.now() - started);
    const e = error as Error & { cause?: { code?: string; message?: string } };
    const timedOut = e.name === "TimeoutError" || e.name === "AbortError";
    return {
      ok: false,
      statusCode: null,
      latencyMs,
      error: timedOut ? `no answer within ${options.timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message).slice(0, 500),
    };
  }
}

/** Records the outcome, unless the claim was superseded (its lease ran out and another instance took it). */
export async function recordOutcome(
  delivery: Pick<ClaimedDelivery, "id" | "attempts" | "created_at">,
  outcome: DeliveryOutcome,
  options: DispatcherOptions,
  now = new Date(),
  random = Math.random,
): Promise<void> {
  if (outcome.ok) {
    await db().$executeRaw`
      UPDATE webhook_deliveries SET status = 'delivered', delivered_at = ${now}, last_status_code = ${outcome.statusCode}, last_latency_ms = ${outcome.latencyMs}, last_error = NULL
      WHERE id = ${delivery.id} AND attempts = ${delivery.attempts} AND status = 'pending'`;
    return;
  }
  const next = new Date(
    now.getTime() + retryDelayMs(delivery.attempts, { baseMs: options.retryBaseMs, maxMs: options.retryMaxMs, random }),
  );
  const givesUp = next.getTime() - delivery.created_at.getTime() > options.maxAgeMs;
  await db().$executeRaw`
    UPDATE webhook_deliveries SET status = ${givesUp ? "failed" : "pending"}, next_attempt_at = ${next}, last_status_code = ${outcome.statusCode},
      last_latency_ms = ${outcome.latencyMs}, last_error = ${outcome.error}
    WHERE id = ${delivery.id} AND attempts = ${delivery.attempts} AND status = 'pending'`;
}

/** One round: claim what is due and send it (in parallel). Returns how many were sent. */
export async function dispatchDue(options = dispatcherOptions(), now?: () => Date): Promise<number> {
  const claimed = await claimDueDeliveries(options, now?.());
  await Promise.all(
    claimed.map(async (d) => {
      const outcome = await sendDelivery(d, options);
      await recordOutcome(d, outcome, options, now?.());
    }),
  );
  return claimed.length;
}

/** Whether any webhook is registered: with none, no commit writes a delivery. */
async function anyWebhook(): Promise<boolean> {
  const rows = await db().$queryRaw<Array<{ any: boolean }>>`SELECT EXISTS (SELECT 1 FROM webhooks) AS any`;
  return rows[0]?.any ?? true;
}

/**
 * Runs the dispatcher in a server process: on a timer, and soon after events commit while
 * some webhook is registered, as this process last looked (at each tick, and at once when
 * one is registered here). With none, no commit wrote a delivery, and a busy server's
 * every commit was a claim that found nothing; a webhook registered on another instance is
 * seen at the next tick. `onRound`: told of each round (tests).
 */
export function startWebhookDispatcher(pollMs = env().WEBHOOK_POLL_MS, options: { onRound?: () => void } = {}): () => void {
  let running = false;
  let again = false;
  let stopped = false;
  let webhooks = true; // until the first look says
  const look = async () => {
    webhooks = await anyWebhook().catch(() => true);
  };
  const run = async () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    options.onRound?.();
    try {
      do {
        again = false;
        // A full batch means more may be due: go on at once.
        while (!stopped && (await dispatchDue()) >= dispatcherOptions().batch);
      } while (again && !stopped);
    } catch (error) {
      console.error("[switchyard] webhook dispatch failed:", (error as Error).message);
    } finally {
      running = false;
    }
  };
  const tick = async () => {
    await look();
    if (webhooks) await run();
  };
  void look();
  const timer = setInterval(() => void tick(), pollMs);
  timer.unref();
  const onCommit = () => {
    if (webhooks) void run();
  };
  // A webhook registered here, or a test delivery queued.
  const onQueued = () => {
    webhooks = true;
    void run();
  };
  eventBus().on(EVENTS_COMMITTED, onCommit);
  eventBus().on(WEBHOOKS_QUEUED, onQueued);
  return () => {
    stopped = true;
    clearInterval(timer);
    eventBus().off(EVENTS_COMMITTED, onCommit);
    eventBus().off(WEBHOOKS_QUEUED, onQueued);
  };
}
