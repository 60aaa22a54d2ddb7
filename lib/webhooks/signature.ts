// Webhook signatures: HMAC-SHA256 over `<timestamp>.<body>` with the webhook's secret, sent
// as `Switchyard-Signature: t=<unix seconds>,v1=<hex>`. The timestamp is signed too, so a
// receiver that refuses old timestamps refuses replays.
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "Switchyard-Signature";
export const EVENT_ID_HEADER = "Switchyard-Event-Id";
export const EVENT_TYPE_HEADER = "Switchyard-Event";

export function signPayload(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

export function signatureHeader(secret: string, body: string, now = new Date()): string {
  const t = Math.floor(now.getTime() / 1000);
  return `t=${t},v1=${signPayload(secret, t, body)}`;
}

/** What a receiver does: the signature matches and the timestamp is recent (default five minutes). */
export function verifySignature(
  header: string | null | undefined,
  body: string,
  secret: string,
  options: { toleranceS?: number; now?: Date } = {},
): boolean {
  if (!header) return false;
  const parts = Object.fromEntries(header.split(",").map((p) => p.split("=", 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || typeof parts.v1 !== "string" || !/^[0-9a-f]{64}$/.test(parts.v1)) return false;
  const nowS = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(nowS - t) > (options.toleranceS ?? 300)) return false;
  const expected = Buffer.from(signPayload(secret, t, body), "hex");
  return timingSafeEqual(expected, Buffer.from(parts.v1, "hex"));
}
