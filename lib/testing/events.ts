// For tests of the event log, the relay and the sockets themselves, which write and read
// event types of their own ("warm.up", "test.ping") that the domain does not have. Domain
// code emits through the typed `Emit` only (lib/domain/events.ts).
import type { DomainEvent, LiveEvent } from "@/lib/domain";
import type { Emit } from "@/lib/events/record";

/** A log entry of any type, with its data as plain JSON. */
export type AnyEvent = Omit<LiveEvent, "type" | "data"> & { type: string; data: Record<string, unknown> };

/** Emits an event the domain's union does not know (the log stores it like any other). */
export function emitAny(emit: Emit, event: { type: string; actor: string; goalId?: string | null; data?: Record<string, unknown> }): void {
  emit(event as unknown as DomainEvent);
}
