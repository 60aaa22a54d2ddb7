// The one wrapper every route handler goes through: it parses the body, query and
// params with zod, offers authentication, catches errors and writes the one error
// shape `{error: {code, message, field?}}`.
import { z } from "zod";
import { SwitchyardError } from "@/lib/errors";
import { errorStatus } from "@/lib/api/error-codes";
import { env } from "@/lib/env";
import { authenticateAgent, type AuthenticatedAgent } from "@/lib/auth/agent-token";
import { isOperatorRequest } from "@/lib/auth/operator";
import { takeAgentToken } from "@/lib/auth/rate-limit";
import { assertAuthNotThrottled, presentsCredentials, recordAuthFailure } from "@/lib/auth/auth-throttle";
import { isDatabaseUnavailable } from "@/lib/db/unavailable";
import { errorFields, logger, REQUEST_ID_HEADER } from "@/lib/log";

type RouteContext = { params?: Promise<Record<string, string | string[]>> };

export interface HandlerSpec<
  B extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  P extends z.ZodType | undefined = z.ZodType | undefined,
> {
  body?: B;
  query?: Q;
  params?: P;
  /** Who may call: "operator" (default) checks the operator token when one is configured. */
  auth?: "operator" | "agent" | "public" | "custom";
}

/** What a route module exports per method: the handler, carrying the spec it was declared with. */
export type RouteHandler = ((req: Request, routeContext?: RouteContext) => Promise<Response>) & { spec: HandlerSpec };

type Infer<T> = T extends z.ZodType ? z.infer<T> : undefined;

export interface HandlerContext<B, Q, P> {
  req: Request;
  body: B;
  query: Q;
  params: P;
  /** The calling agent, from its Bearer token (401 without one). */
  requireAgent: () => Promise<AuthenticatedAgent>;
  /** 401 unless the caller is the operator (a no-op when no operator token is configured). */
  requireOperator: () => void;
  /** Who did it, for the event log. */
  actor: () => string;
}

export function json(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(stringify(data), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

/**
 * JSON with bigints as numbers. Without a replacer first: a replacer is called for every
 * value, and most answers hold no bigint (a large assign answer spent a tenth of its time
 * in it); JSON.stringify throws on a bigint, and then the replacer does the work.
 */
function stringify(data: unknown): string {
  try {
    return JSON.stringify(data);
  } catch (error) {
    if (error instanceof TypeError && /BigInt/i.test(error.message)) return JSON.stringify(data, bigintReplacer);
    throw error;
  }
}

function bigintReplacer(_key: string, value: unknown) {
  return typeof value === "bigint" ? Number(value) : value;
}

export function errorResponse(error: SwitchyardError, headers: Record<string, string> = {}): Response {
  const body: { code: string; message: string; field?: string } = { code: error.code, message: error.message };
  if (error.field) body.field = error.field;
  return json({ error: body }, errorStatus[error.code], headers);
}

function fieldPath(path: readonly PropertyKey[]): string | undefined {
  if (path.length === 0) return undefined;
  return path
    .map((p) => (typeof p === "number" ? `[${p}]` : String(p)))
    .join(".")
    .replace(/\.\[/g, "[");
}

/** The raw input has a value at this path (a value zod could not use is not a missing one). */
function isPresent(raw: unknown, path: readonly PropertyKey[]): boolean {
  let node = raw;
  for (const key of path) {
    if (node === null || typeof node !== "object" || !Object.prototype.hasOwnProperty.call(node, key)) return false;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node !== undefined;
}

export function zodToError(error: z.ZodError, where: "body" | "query" | "params", raw?: unknown): SwitchyardError {
  const issue = error.issues[0]!;
  let field = fieldPath(issue.path);
  let message = issue.message;
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0]!;
    field = field ? `${field}.${key}` : key;
    message = `unknown field "${key}"`;
  } else if (issue.code === "invalid_type" && issue.input === undefined) {
    message = isPresent(raw, issue.path) ? `expected ${issue.expected}` : "is required";
  }
  const label = field ?? where;
  return new SwitchyardError("validation_failed", `${label}: ${message}`, { field: field ?? where });
}

/** The body as text, refused with 413 as soon as it passes MAX_BODY_BYTES (also when chunked, without content-length). */
export async function readBodyText(req: Request): Promise<string> {
  const limit = env().MAX_BODY_BYTES;
  const tooLarge = () => new SwitchyardError("payload_too_large", `request body is over ${limit} bytes`);
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > limit) throw tooLarge();
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      // The client hung up mid-body: nobody is waiting for an answer, and it is not our error.
      throw new SwitchyardError("bad_request", "the request body was aborted by the client", { field: "body", details: { aborted: true } });
    }
    const { done, value } = chunk;
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** `application/json` or a `+json` type, parameters allowed. */
export function isJsonContentType(type: string): boolean {
  const essence = type.split(";")[0]!.trim().toLowerCase();
  return essence === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(essence);
}

/**
 * A JSON endpoint reads only `application/json`: a form or `text/plain` body (what a page
 * on another site can send without a CORS preflight) is 415. A bodiless request may omit it.
 */
export function requireJsonContentType(req: Request): void {
  const type = req.headers.get("content-type");
  const hasBody = Number(req.headers.get("content-length") ?? "0") > 0 || req.headers.has("transfer-encoding");
  if (type === null ? !hasBody : isJsonContentType(type)) return;
  throw new SwitchyardError(
    "unsupported_media_type",
    `content-type: expected application/json, got ${type === null ? "none" : JSON.stringify(type.slice(0, 100))}`,
    { field: "content-type" },
  );
}

async function readBody(req: Request): Promise<unknown> {
  requireJsonContentType(req);
  const text = await readBodyText(req);
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new SwitchyardError("invalid_json", "request body is not valid JSON", { field: "body" });
  }
}

/** Seconds a client waits before retrying a request that met a database outage. */
export const UNAVAILABLE_RETRY_AFTER_S = 2;

const CONCURRENCY_ABORTS = new Set(["40P01", "40001", "P2034"]);

/** A deadlock or serialization failure anywhere in the error's cause chain (pg, the driver adapter, Prisma). */
export function isConcurrencyAbort(error: unknown, depth = 0): boolean {
  if (depth > 5 || error === null || typeof error !== "object") return false;
  const e = error as {
    code?: unknown;
    originalCode?: unknown;
    kind?: unknown;
    cause?: unknown;
    meta?: { code?: unknown; driverAdapterError?: unknown };
  };
  for (const code of [e.code, e.originalCode, e.meta?.code]) if (typeof code === "string" && CONCURRENCY_ABORTS.has(code)) return true;
  if (e.kind === "TransactionWriteConflict") return true;
  return isConcurrencyAbort(e.cause, depth + 1) || isConcurrencyAbort(e.meta?.driverAdapterError, depth + 1);
}

export function handler<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
>(spec: HandlerSpec<B, Q, P>, fn: (ctx: HandlerContext<Infer<B>, Infer<Q>, Infer<P>>) => Promise<Response | unknown>): RouteHandler {
  const route = async (req: Request, routeContext?: RouteContext): Promise<Response> => {
    try {
      let agent: AuthenticatedAgent | undefined;
      // An address that failed to authenticate too often gets 429 before any token work.
      if (presentsCredentials(req)) assertAuthNotThrottled(req);
      // Authenticated first, then rate-limited: nobody can drain another agent's bucket.
      const requireAgent = async () => {
        if (!agent) {
          const authenticated = await authenticateAgent(req.headers.get("authorization")).catch((error: unknown) => {
            if (error instanceof SwitchyardError && error.code === "unauthorized" && presentsCredentials(req)) recordAuthFailure(req);
            throw error;
          });
          await takeAgentToken(authenticated.id);
          agent = authenticated;
        }
        return agent;
      };
      const requireOperator = () => {
        if (isOperatorRequest(req)) return;
        if (presentsCredentials(req)) recordAuthFailure(req);
        throw new SwitchyardError("unauthorized", "operator token required");
      };
      if ((spec.auth ?? "operator") === "operator") requireOperator();
      if (spec.auth === "agent") await requireAgent();

      let params: unknown = undefined;
      if (spec.params) {
        const raw = (await routeContext?.params) ?? {};
        const parsed = spec.params.safeParse(raw);
        if (!parsed.success) {
          // An id that is not even a UUID names nothing that exists.
          const e = zodToError(parsed.error, "params");
          throw new SwitchyardError("not_found", `no such resource: ${e.message}`, { field: e.field });
        }
        params = parsed.data;
      }
      let query: unknown = undefined;
      if (spec.query) {
        const raw = Object.fromEntries(new URL(req.url).searchParams);
        const parsed = spec.query.safeParse(raw);
        if (!parsed.success) throw zodToError(parsed.error, "query", raw);
        query = parsed.data;
      }
      let body: unknown = undefined;
      if (spec.body) {
        const raw = await readBody(req);
        if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
          throw new SwitchyardError("validation_failed", "body: must be a JSON object", { field: "body" });
        }
        const parsed = spec.body.safeParse(raw);
        if (!parsed.success) throw zodToError(parsed.error, "body", raw);
        body = parsed.data;
      }
      const result = await fn({
        req,
        body: body as Infer<B>,
        query: query as Infer<Q>,
        params: params as Infer<P>,
        requireAgent,
        requireOperator,
        actor: () => (agent ? `agent:${agent.id}` : "operator"),
      });
      return result instanceof Response ? result : json(result);
    } catch (error) {
      const requestId = req.headers.get(REQUEST_ID_HEADER) ?? undefined;
      const where = { req_id: requestId, method: req.method, path: new URL(req.url).pathname };
      if (error instanceof SwitchyardError) {
        if (error.details?.aborted === true) logger().debug(where, error.message);
        const headers: Record<string, string> = {};
        if (error.code === "rate_limited" && typeof error.details?.retryAfterS === "number")
          headers["retry-after"] = String(error.details.retryAfterS);
        return errorResponse(error, headers);
      }
      if (isConcurrencyAbort(error)) {
        // Postgres aborted the transaction (deadlock or serialization failure): what it would
        // have written was not, and the same request may simply be sent again (a batch of
        // completions whose standing reports committed before it answers those as repeats).
        return errorResponse(
          new SwitchyardError("concurrent_update", "the request collided with a concurrent change and was not applied; retry it"),
          { "retry-after": "1" },
        );
      }
      if (isDatabaseUnavailable(error)) {
        // PostgreSQL is down or restarting: one line, no stack; the caller retries later.
        logger().warn({ ...where, ...errorFields(error) }, "database unavailable");
        return errorResponse(new SwitchyardError("unavailable", "the database is unavailable; retry later"), {
          "retry-after": String(UNAVAILABLE_RETRY_AFTER_S),
        });
      }
      logger().error({ ...where, ...errorFields(error, { stack: true }) }, "unhandled error");
      return json({ error: { code: "internal", message: "internal error" } }, 500);
    }
  };
  // The route's own declaration (auth, schemas) travels with it: the OpenAPI document reads it (lib/api/openapi.ts).
  return Object.assign(route, { spec: spec as HandlerSpec });
}
