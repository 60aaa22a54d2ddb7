// In-process signal that events were committed: the relay (lib/events/relay.ts) wakes
// on it and on Postgres NOTIFY from other instances, then reads the event log in order.
import { EventEmitter } from "node:events";

const holder = globalThis as unknown as { __switchyardBus?: EventEmitter; __switchyardRelays?: Set<() => boolean> };

export function eventBus(): EventEmitter {
  if (!holder.__switchyardBus) {
    holder.__switchyardBus = new EventEmitter();
    holder.__switchyardBus.setMaxListeners(0);
  }
  return holder.__switchyardBus;
}

export const EVENTS_COMMITTED = "committed";
export const NOTIFY_CHANNEL = "switchyard_events";
/** A progress report committed (issue 9): its ProgressPush, for the socket server's `progress` channel. */
export const PROGRESS_REPORTED = "progress";

/**
 * Whether a relay of this process leads (each running relay, lib/events/relay.ts, answers
 * for itself). Only the leader reads the log, so a commit here needs no NOTIFY when one
 * does: it hears of it through the bus. False without a relay in this process.
 */
export function relayLeadsHere(): boolean {
  for (const leads of holder.__switchyardRelays ?? []) if (leads()) return true;
  return false;
}

/** A running relay's answer to "do you lead?"; the function returned takes it back. */
export function registerRelay(leads: () => boolean): () => void {
  const relays = (holder.__switchyardRelays ??= new Set());
  relays.add(leads);
  return () => relays.delete(leads);
}
