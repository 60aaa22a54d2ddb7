import { describe, expect, it } from "vitest";
import { GoalPatchLog } from "@/lib/ui/goal-patch-log";
import { patchGoal } from "@/lib/ui/event-effects";
import { A, G, T1, T2, event, goal } from "@/lib/ui/fixtures";

const OTHER_GOAL = "55555555-5555-4555-8555-555555555555";

const assigned = (seq: number) =>
  event({ seq, type: "task.assigned", goal_id: G, subtask_id: T1, agent_id: A, data: { status: "running" } });
const completed = (seq: number) =>
  event({ seq, type: "task.completed", goal_id: G, subtask_id: T1, agent_id: A, data: { status: "completed" } });
const released = (seq: number) => event({ seq, type: "task.ready", goal_id: G, subtask_id: T2, data: { status: "pending" } });

describe("GoalPatchLog", () => {
  it("replays on a read's answer the patches applied after the read began, and none before", () => {
    const log = new GoalPatchLog();
    log.applied(assigned(10));
    const mark = log.mark(); // the read begins: it sees T1 running
    log.applied(completed(11));
    log.applied(released(12));
    const read = goal(); // what the read saw (here: the state before both events)
    read.subtasks[0] = { ...read.subtasks[0]!, status: "running", agent_id: A };
    const landed = log.replay(read, mark, () => "worker");
    expect(landed.subtasks.map((s) => s.status)).toEqual(["completed", "pending"]);
    expect(landed.tasks.completed).toBe(1);
    // Nothing applied since the mark: the answer stands as read.
    expect(log.replay(read, log.mark())).toBe(read);
  });

  it("replays on a read only the patches newer than both its start and what the server read (last_seq)", () => {
    const log = new GoalPatchLog();
    const mark = log.mark(); // the read begins before either event arrives
    log.applied(assigned(10));
    log.applied(completed(11));
    // The server began reading after seq 11: the answer holds T1 completed. Replaying from
    // the mark would set it back to running (seq 10) until the completion is replayed;
    // from last_seq there is nothing to replay.
    const read = goal();
    read.subtasks[0] = { ...read.subtasks[0]!, status: "completed", agent_id: A };
    read.last_seq = 11;
    expect(log.replay(read, Math.max(mark, read.last_seq))).toBe(read);
    // Read between the two: only the completion is replayed.
    const between = goal();
    between.subtasks[0] = { ...between.subtasks[0]!, status: "running", agent_id: A };
    expect(log.replay(between, Math.max(mark, 10)).subtasks[0]!.status).toBe("completed");
  });

  it("skips the patches a read already reflects past its last_seq (reflected_seqs), applying the one it missed", () => {
    const log = new GoalPatchLog();
    const mark = log.mark();
    // T2's release (seq 10) was in flight while the server read; T1's run (11, 12) had
    // committed: the answer holds T1 completed and T2 still waiting.
    const read = goal();
    read.subtasks[0] = { ...read.subtasks[0]!, status: "completed", agent_id: A };
    read.subtasks[1] = { ...read.subtasks[1]!, status: "waiting" };
    read.last_seq = 9;
    read.reflected_seqs = [11, 12];
    log.applied(released(10));
    log.applied(assigned(11)); // T1's completion (12) has not reached this tab yet
    const landed = log.replay(read, mark);
    // T1 is not set back to running by the patch it already holds; T2 gets the one it missed.
    expect(landed.subtasks.map((s) => s.status)).toEqual(["completed", "pending"]);
    expect(landed.last_seq).toBe(10);
    expect(landed.reflected_seqs).toEqual([11, 12]);
    // Then the completion arrives live: already held. A later event applies and moves the goal past both.
    expect(patchGoal(landed, completed(12))).toBe(landed);
    const next = patchGoal(landed, event({ seq: 13, type: "task.failed", goal_id: G, subtask_id: T2, data: { status: "failed" } }));
    expect(next.subtasks[1]!.status).toBe("failed");
    expect(next.last_seq).toBe(13);
    expect(next.reflected_seqs).toEqual([]);
  });

  it("leaves out other goals' patches, events that patch nothing, and goals no query reads", () => {
    const log = new GoalPatchLog();
    const mark = log.mark();
    log.applied(event({ seq: 1, type: "task.assigned", goal_id: OTHER_GOAL, subtask_id: T1, agent_id: A, data: { status: "running" } }));
    log.applied(event({ seq: 2, type: "task.spawned", goal_id: G, subtask_id: T1 }));
    log.applied(event({ seq: 3, type: "agent.online", agent_id: A }));
    log.applied(event({ seq: 4, type: "task.assigned", goal_id: G, subtask_id: T1, agent_id: A, data: { status: "running" } }), false);
    const read = goal();
    expect(log.replay(read, mark)).toBe(read);
    expect(log.mark()).toBe(4); // every event moves the mark, patching or not, its goal read or not
  });

  it("keeps a bounded tail of patches", () => {
    const log = new GoalPatchLog(2);
    log.applied(released(1));
    for (let seq = 2; seq <= 4; seq++) log.applied(seq % 2 ? assigned(seq) : completed(seq));
    expect(log.replay(goal(), 0).subtasks.map((s) => s.status)).toEqual(["completed", "pending"]);
    log.applied(assigned(5)); // 5 patches with room for 2: trimmed to the last 2 (seq 4 and 5)
    expect(log.replay(goal(), 0).subtasks.map((s) => s.status)).toEqual(["running", "waiting"]);
  });
});
