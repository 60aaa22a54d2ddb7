import { describe, expect, it } from "vitest";
import {
  AGENT_STATUSES,
  EVENT_TYPES,
  GOAL_STATUSES,
  OPEN_SUBTASK_STATUSES,
  SUBTASK_STATUSES,
  SUBTASK_TRANSITIONS,
  TERMINAL_SUBTASK_STATUSES,
  agentStatus,
  allowedActions,
  canTransition,
  describeAllowed,
  eventPayloadProblem,
  liveEventSchema,
} from "@/lib/domain";

describe("statuses", () => {
  it("open and terminal split the subtask statuses with nothing left over or counted twice", () => {
    const both = [...OPEN_SUBTASK_STATUSES, ...TERMINAL_SUBTASK_STATUSES];
    expect(new Set(both).size).toBe(both.length);
    expect([...both].sort()).toEqual([...SUBTASK_STATUSES].sort());
  });

  it("agent status is derived: offline, then draining, then busy or idle", () => {
    expect(agentStatus({ offline: true, running: 2, draining: true })).toBe("offline");
    expect(agentStatus({ offline: false, running: 2, draining: true })).toBe("draining");
    expect(agentStatus({ offline: false, running: 1 })).toBe("busy");
    expect(agentStatus({ offline: false, running: 0 })).toBe("idle");
    expect(AGENT_STATUSES).toContain("draining");
  });
});

describe("transitions", () => {
  it("say which action is allowed from which state", () => {
    expect(canTransition("subtask", "retry", "failed")).toBe(true);
    expect(canTransition("subtask", "retry", "running")).toBe(false);
    expect(canTransition("subtask", "approve", "awaiting_approval")).toBe(true);
    expect(canTransition("goal", "pause", "running")).toBe(true);
    expect(canTransition("goal", "resume", "running")).toBe(false);
    expect(canTransition("goal", "cancel", "complete")).toBe(false);
    expect(canTransition("agent", "drain", "busy")).toBe(true);
  });

  it("allowedActions lists exactly the actions whose table names the state", () => {
    expect(allowedActions("subtask", "running")).toEqual(["cancel", "reassign"]);
    expect(allowedActions("subtask", "awaiting_approval")).toEqual(["cancel", "approve", "reject"]);
    expect(allowedActions("goal", "paused")).toEqual(["cancel", "resume"]);
    for (const status of SUBTASK_STATUSES) {
      for (const action of allowedActions("subtask", status)) expect(SUBTASK_TRANSITIONS[action]).toContain(status);
    }
    for (const status of GOAL_STATUSES) expect(Array.isArray(allowedActions("goal", status))).toBe(true);
  });

  it("no action applies to a terminal state except bringing it back", () => {
    expect(allowedActions("subtask", "completed")).toEqual(["rerun"]);
    expect(allowedActions("subtask", "skipped")).toEqual(["retry", "rerun"]); // issue 10: re-run from any finished task
  });

  it("describe the allowed states in words for a 409's message", () => {
    expect(describeAllowed("subtask", "retry")).toBe("a failed, cancelled or skipped task");
    expect(describeAllowed("subtask", "reassign")).toBe("a pending, retrying or running task");
    expect(describeAllowed("goal", "resume")).toBe("a paused goal");
  });
});

describe("events", () => {
  const envelope = { seq: 1, goal_id: null, subtask_id: null, agent_id: null, actor: "system", created_at: "2026-01-01T00:00:00.000Z" };
  const T = "22222222-2222-4222-8222-222222222222";

  it("every event type has a payload schema, and a live event parses by its type", () => {
    expect(EVENT_TYPES.length).toBeGreaterThan(15);
    const parsed = liveEventSchema.parse({ ...envelope, type: "task.ready", data: { status: "pending", after: T } });
    expect(parsed.type).toBe("task.ready");
  });

  it("a wrong payload is refused, naming the field", () => {
    expect(eventPayloadProblem({ type: "task.completed", data: { status: "completed", attempt: 1 } })).toMatch(/duration_ms/);
    expect(eventPayloadProblem({ type: "task.completed", data: { status: "completed", attempt: 1, duration_ms: 5 } })).toBeNull();
    expect(eventPayloadProblem({ type: "task.lost", data: {} })).toMatch(/unknown event type task.lost/);
    expect(() =>
      liveEventSchema.parse({ ...envelope, type: "goal.finished", data: { status: "running", steps_completed: 0, steps_failed: 0 } }),
    ).toThrow();
  });
});
