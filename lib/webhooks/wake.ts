// An in-process nudge for the webhook dispatcher (a test delivery was queued); events
// committed wake it through the event bus, other instances find rows on their next poll.
import { eventBus } from "@/lib/events/bus";

export const WEBHOOKS_QUEUED = "webhooks-queued";

export function wakeDispatcher(): void {
  eventBus().emit(WEBHOOKS_QUEUED);
}
