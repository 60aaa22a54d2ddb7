// The server's one logger: JSON lines on stdout (pino), one object per event, searchable
// by field (`level`, `msg`, `req_id`, `err`). LOG_LEVEL picks the least severe level
// written (default info). Lines about a request carry its `req_id` (server.ts gives every
// request one, or keeps a sane `X-Request-Id` the caller sent, and answers with it).
import pino, { type Logger } from "pino";
import { env } from "@/lib/env";

const holder = globalThis as unknown as { __switchyardLog?: Logger };

export function logger(): Logger {
  return (holder.__switchyardLog ??= pino({
    level: env().LOG_LEVEL,
    base: { pid: process.pid, ...(env().SWITCHYARD_INSTANCE_ID ? { instance: env().SWITCHYARD_INSTANCE_ID } : {}) },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  }));
}

/** The request id header: set by server.ts on every request before Next sees it. */
export const REQUEST_ID_HEADER = "x-request-id";

/** A caller's own id is kept when it is short and plain; otherwise we make one. */
export function requestIdFrom(candidate: string | string[] | undefined, make: () => string): string {
  const value = Array.isArray(candidate) ? candidate[0] : candidate;
  return value && /^[A-Za-z0-9._:-]{1,128}$/.test(value) ? value : make();
}

/** An error as one line's worth of fields: its message and code, the stack only when asked. */
export function errorFields(error: unknown, options: { stack?: boolean } = {}): Record<string, unknown> {
  const e = (error !== null && typeof error === "object" ? error : {}) as {
    name?: unknown;
    message?: unknown;
    code?: unknown;
    stack?: unknown;
  };
  // One line: Prisma's messages span several ("Invalid `prisma.x()` invocation: …").
  const message = (typeof e.message === "string" ? e.message : String(error)).replace(/\s+/g, " ").trim();
  return {
    err: {
      ...(typeof e.name === "string" && e.name !== "Error" && e.name !== "Object" ? { type: e.name } : {}),
      message,
      ...(typeof e.code === "string" ? { code: e.code } : {}),
      ...(options.stack && typeof e.stack === "string" ? { stack: e.stack } : {}),
    },
  };
}
