// The one error type of Switchyard. Domain code throws it with a code; the HTTP layer
// maps the code to a status (lib/api/error-codes.ts). `message` is safe to show.
export type ErrorCode =
  | "bad_request"
  | "invalid_json"
  | "validation_failed"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "stale_attempt"
  /** Postgres aborted the transaction (deadlock, serialization): nothing written, send it again. */
  | "concurrent_update"
  | "payload_too_large"
  | "rate_limited"
  /** The request's Content-Type is not what the endpoint reads (application/json). */
  | "unsupported_media_type"
  /** The Host header names a server this is not (DNS rebinding, a wrong ALLOWED_HOSTS). */
  | "misdirected_request"
  /** The database cannot be reached: try again later (Retry-After). */
  | "unavailable"
  | "internal";

export class SwitchyardError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: { field?: string; details?: Record<string, unknown> } = {}) {
    super(message);
    this.name = "SwitchyardError";
    this.code = code;
    this.field = options.field;
    this.details = options.details;
  }
}

export const badRequest = (message: string, field?: string) => new SwitchyardError("bad_request", message, { field });
export const notFound = (what: string, id: string, field?: string) =>
  new SwitchyardError("not_found", `${what} ${id} not found`, { field });
export const conflict = (message: string, field?: string) => new SwitchyardError("conflict", message, { field });
export const forbidden = (message: string, field?: string) => new SwitchyardError("forbidden", message, { field });
