// In-process signal that events were committed: the relay (lib/events/relay.ts) wakes
// on it and on Postgres NOTIFY from other instances, then reads the event log in order.
import { EventEmitter } from "node:events";

const holder = globalThis as unknown as { __switchyardBus?: EventEmitter };

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
