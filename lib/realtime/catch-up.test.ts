import { describe, expect, it } from "vitest";
import { beginResume, initialCatchUp, mergeEvents, receiveLive, receiveResumed, type CatchUpState } from "@/lib/realtime/catch-up";
import type { LiveEvent } from "@/lib/realtime/protocol";

const ev = (seq: number, type = "task.completed"): LiveEvent =>
  ({
    seq,
    type,
    goal_id: "g",
    subtask_id: null,
    agent_id: null,
    actor: "system",
    data: {},
    created_at: new Date(0).toISOString(),
  }) as LiveEvent;
const seqs = (events: LiveEvent[]) => events.map((e) => e.seq);

function live(state: CatchUpState, ...events: LiveEvent[]) {
  const delivered: LiveEvent[] = [];
  for (const e of events) {
    const step = receiveLive(state, e);
    state = step.state;
    delivered.push(...step.deliver);
  }
  return { state, delivered };
}

describe("mergeEvents", () => {
  it("sorts by seq, keeps each seq once and drops what is not after the cursor", () => {
    expect(seqs(mergeEvents(3, [ev(7), ev(4), ev(5)], [ev(5), ev(3), ev(6), ev(2)]))).toEqual([4, 5, 6, 7]);
    expect(mergeEvents(10, [ev(1), ev(10)])).toEqual([]);
  });
});

describe("receiveLive", () => {
  it("delivers new events and tracks lastSeq, ignoring repeats and older ones", () => {
    const { state, delivered } = live(initialCatchUp(), ev(1), ev(2), ev(2), ev(5), ev(4));
    expect(seqs(delivered)).toEqual([1, 2, 5]);
    expect(state.lastSeq).toBe(5);
  });
});

describe("resume after a reconnect", () => {
  it("delivers the missed events before the live ones that arrived during the resume, each once", () => {
    let state = live(initialCatchUp(), ev(1), ev(2)).state; // then disconnected; 3..6 happen
    state = beginResume(state);
    const during = live(state, ev(6), ev(7)); // live again before the reply
    expect(during.delivered).toEqual([]);
    const step = receiveResumed(during.state, [ev(3), ev(4), ev(5), ev(6)], 6);
    expect(seqs(step.deliver)).toEqual([3, 4, 5, 6, 7]);
    expect(step.state).toEqual({ lastSeq: 7, resuming: false, held: [] });
    // A late duplicate of a resumed event is not delivered again.
    expect(receiveLive(step.state, ev(5)).deliver).toEqual([]);
    expect(seqs(receiveLive(step.state, ev(8)).deliver)).toEqual([8]);
  });

  it("advances to the reply's last_seq even when nothing was missed for this goal", () => {
    const state = beginResume(initialCatchUp(10));
    const step = receiveResumed(state, [], 42);
    expect(step.deliver).toEqual([]);
    expect(step.state.lastSeq).toBe(42);
    expect(receiveLive(step.state, ev(40)).deliver).toEqual([]);
  });

  it("with a truncated reply delivers only up to its last_seq and keeps holding later live events", () => {
    let state = beginResume(initialCatchUp(0));
    state = live(state, ev(9), ev(10)).state;
    const first = receiveResumed(state, [ev(1), ev(2), ev(3)], 3, true);
    expect(seqs(first.deliver)).toEqual([1, 2, 3]);
    expect(first.state.resuming).toBe(true);
    expect(seqs(first.state.held)).toEqual([9, 10]);
    const second = receiveResumed(first.state, [ev(4), ev(8), ev(9)], 9);
    expect(seqs(second.deliver)).toEqual([4, 8, 9, 10]);
    expect(second.state.lastSeq).toBe(10);
    expect(second.state.resuming).toBe(false);
  });

  it("gives the same sequence whatever the interleaving of live and resumed events", () => {
    const missed = [ev(3), ev(4), ev(5)];
    const liveOnes = [ev(4), ev(5), ev(6), ev(7)];
    for (let split = 0; split <= liveOnes.length; split++) {
      let state = beginResume(initialCatchUp(2));
      const before = live(state, ...liveOnes.slice(0, split));
      state = before.state;
      const step = receiveResumed(state, missed, 5);
      const after = live(step.state, ...liveOnes.slice(split));
      expect(seqs([...before.delivered, ...step.deliver, ...after.delivered])).toEqual([3, 4, 5, 6, 7]);
    }
  });
});
