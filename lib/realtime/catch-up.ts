// Merging live and resumed events on the client (pure): events come live over the socket
// and, after a reconnect, as a resume reply (or GET /api/events) that overlaps them.
// Each event is delivered once, in seq order; while a resume is outstanding, live events
// are held back so none is delivered ahead of an earlier missed one.
import type { LiveEvent } from "@/lib/realtime/protocol";

export interface CatchUpState {
  /** Every event up to here has been delivered (or never concerned this client). */
  lastSeq: number;
  /** A resume is outstanding: live events wait in `held`. */
  resuming: boolean;
  held: LiveEvent[];
}

export interface Step {
  state: CatchUpState;
  /** Deliver these, in this order. */
  deliver: LiveEvent[];
}

export function initialCatchUp(lastSeq = 0): CatchUpState {
  return { lastSeq, resuming: false, held: [] };
}

/** Sorted by seq, each seq once, only those after `after`. */
export function mergeEvents(after: number, ...lists: LiveEvent[][]): LiveEvent[] {
  const bySeq = new Map<number, LiveEvent>();
  for (const list of lists) for (const e of list) if (e.seq > after && !bySeq.has(e.seq)) bySeq.set(e.seq, e);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** The socket (re)connected and a resume was sent: hold live events until its reply. */
export function beginResume(state: CatchUpState): CatchUpState {
  return { ...state, resuming: true };
}

/** A live event arrived. */
export function receiveLive(state: CatchUpState, event: LiveEvent): Step {
  if (event.seq <= state.lastSeq) return { state, deliver: [] };
  if (state.resuming) {
    if (state.held.some((e) => e.seq === event.seq)) return { state, deliver: [] };
    return { state: { ...state, held: [...state.held, event] }, deliver: [] };
  }
  return { state: { ...state, lastSeq: event.seq }, deliver: [event] };
}

/**
 * The resume reply arrived: `events` are every event after lastSeq up to `replyLastSeq`.
 * Delivers them merged with the held live ones, in order, once each. A truncated reply
 * (more was missed than one reply carries) delivers only up to `replyLastSeq` and stays
 * resuming: send another resume from the new lastSeq.
 */
export function receiveResumed(state: CatchUpState, events: LiveEvent[], replyLastSeq: number, truncated = false): Step {
  const upTo = truncated ? replyLastSeq : Infinity;
  const deliver = mergeEvents(state.lastSeq, events, state.held).filter((e) => e.seq <= upTo);
  const delivered = deliver.length > 0 ? deliver[deliver.length - 1]!.seq : state.lastSeq;
  const lastSeq = Math.max(state.lastSeq, replyLastSeq, delivered);
  const held = truncated ? state.held.filter((e) => e.seq > lastSeq) : [];
  return { state: { lastSeq, resuming: truncated, held }, deliver };
}
