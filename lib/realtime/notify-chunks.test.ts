import { describe, expect, it } from "vitest";
import { chunkBySize, fitForNotify } from "@/lib/realtime/server";
import type { LogEvent } from "@/lib/events/read";

const ev = (seq: number, data: Record<string, unknown> = {}): LogEvent =>
  ({
    seq,
    type: "task.completed",
    goal_id: null,
    subtask_id: null,
    agent_id: null,
    actor: "system",
    data,
    created_at: new Date(0).toISOString(),
  }) as LogEvent;

describe("relay batches between instances", () => {
  it("split into consecutive chunks under the size limit, keeping order and every event", () => {
    const events = Array.from({ length: 200 }, (_, i) => ev(i + 1, { note: "x".repeat(i % 50) }));
    const chunks = chunkBySize(events, 2000);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.flat().map((e) => e.seq)).toEqual(events.map((e) => e.seq));
    for (const chunk of chunks) expect(Buffer.byteLength(JSON.stringify(chunk))).toBeLessThanOrEqual(2000 + 2);
    expect(chunkBySize([], 2000)).toEqual([]);
  });

  it("trim an event too large for one NOTIFY, keeping its status; leave others alone", () => {
    const small = ev(1, { status: "completed" });
    expect(fitForNotify(small)).toBe(small);
    const huge = fitForNotify(ev(2, { status: "failed", error: "e".repeat(10_000) }));
    expect(huge.data).toEqual({ status: "failed", truncated: true });
    expect(huge.seq).toBe(2);
  });
});
