// Writing events: payloads go into jsonb, which refuses a NUL and a lone surrogate (an
// excerpt cut inside an emoji). Those become U+FFFD; everything else is stored as given.
import { describe, expect, it } from "vitest";
import { withEvents } from "@/lib/events/record";
import { readEvents } from "@/lib/events/read";
import { emitAny } from "@/lib/testing/events";

async function roundTrip(data: Record<string, unknown>): Promise<Record<string, unknown>> {
  const marker = `m-${Math.random()}`;
  await withEvents(async (_tx, emit) => emitAny(emit, { type: "test.payload", actor: "test", data: { marker, ...data } }));
  const { events } = await readEvents({ after: 0, limit: 5000 });
  const stored = events.find((e) => (e.data as Record<string, unknown>).marker === marker);
  expect(stored).toBeDefined();
  const { marker: _, ...rest } = stored!.data as Record<string, unknown>;
  return rest;
}

describe("event payloads", () => {
  it("store a NUL and lone surrogates as U+FFFD, and keep surrogate pairs", async () => {
    const stored = await roundTrip({ excerpt: "cut \uD83D", tail: "\uDE00 end", nul: "a\u0000b", emoji: "ok \uD83D\uDE00", n: 3 });
    expect(stored).toEqual({ excerpt: "cut \uFFFD", tail: "\uFFFD end", nul: "a\uFFFDb", emoji: "ok \uD83D\uDE00", n: 3 });
  });

  it("store plain text as given, a backslash and the text of an escape included", async () => {
    const stored = await roundTrip({ path: "C:\\u0000\\temp", quote: 'say "hi"', nested: { list: [1, "two", null] } });
    expect(stored).toEqual({ path: "C:\\u0000\\temp", quote: 'say "hi"', nested: { list: [1, "two", null] } });
  });
});
