// The socket.io protocol between the server (lib/realtime/server.ts) and browsers: one
// typed event map each way. Import these types on both sides:
//   const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({ auth: { token } });
//
// Rooms: `all` (every event) and `goal:<uuid>` (a goal's events). A client says what it
// watches with `subscribe` / `unsubscribe`. After a (re)connect it sends `resume` with the
// last seq it has seen: the server joins it to the room first, then answers (ack) with
// every event after that seq up to a bound the log guarantees has no gap; events after
// the bound arrive live. Live and resumed events can overlap or interleave: merge them by
// seq (lib/realtime/catch-up.ts does it).

import type { LiveEvent } from "../domain/events";

/** One entry of the event log, as pushed live and as returned by GET /api/events: a union discriminated by `type` (lib/domain/events.ts). */
export type { LiveEvent };

export interface SubscribeRequest {
  /** A goal's room; without it, the global room `all`. */
  goal_id?: string;
}

export interface ResumeRequest extends SubscribeRequest {
  /** The last seq the client has applied (0 for everything the log still holds). */
  after: number;
}

export type Ack = (reply: { ok: true } | { ok: false; error: string }) => void;

export type ResumeReply =
  | {
      ok: true;
      /** Every event after `after` (of the goal, when given), in seq order, up to `last_seq`. */
      events: LiveEvent[];
      /** Resume after this next time; events after it come live (or from the next resume). */
      last_seq: number;
      /** True when more events were missed than one reply carries: resume again from last_seq. */
      truncated: boolean;
    }
  | { ok: false; error: string };

/**
 * A running attempt's progress report, pushed to the goal's room on a lightweight channel
 * of its own (`progress`), not written to the event log: reports are many and ephemeral;
 * what they leave behind (progress, message, usage, output) is read back through
 * GET /api/tasks/:id and GET /api/tasks/:id/output. A reconnecting browser refetches.
 */
export interface ProgressPush {
  goal_id: string;
  subtask_id: string;
  attempt: number;
  progress: number | null;
  message: string | null;
  /** The output this report appended (at most PROGRESS_PUSH_OUTPUT_CHARS; see output_truncated). */
  output: string;
  /** The push carries only the tail of a larger chunk: refetch the stored output. */
  output_truncated: boolean;
  /** Bytes of output the attempt streamed so far, and how many the store dropped from the front. */
  output_bytes: number;
  dropped_bytes: number;
  /** The attempt's usage so far. */
  usage: { input_tokens: number; output_tokens: number; cost_usd: number; model: string | null };
  /** ISO 8601 */
  at: string;
}

/** How much of a report's output a push carries (it stays well under NOTIFY's 8000 bytes between instances). */
export const PROGRESS_PUSH_OUTPUT_CHARS = 2_000;

export interface ServerToClientEvents {
  event: (event: LiveEvent) => void;
  /** Progress reports of the goal's running attempts, coalesced per tick (issue 9). */
  progress: (pushes: ProgressPush[]) => void;
}

export interface ClientToServerEvents {
  subscribe: (request: SubscribeRequest, ack?: Ack) => void;
  unsubscribe: (request: SubscribeRequest, ack?: Ack) => void;
  resume: (request: ResumeRequest, ack: (reply: ResumeReply) => void) => void;
}

export const ALL_ROOM = "all";
export const goalRoom = (goalId: string) => `goal:${goalId}`;
/** How many missed events one resume reply carries at most. */
export const RESUME_MAX_EVENTS = 10_000;
