// The events a pull writes in its own statement (lib/orchestration/assign-tasks.ts): the
// agent coming back, the goals it starts, a `task.assigned` per task in the order handed
// out — in the log in that order, after any the transaction emitted before, each payload
// as lib/domain/events.ts has it.
import { describe, expect, it } from "vitest";
import { pooled } from "@/lib/db";
import { eventPayloadProblem } from "@/lib/domain";
import { withEvents } from "@/lib/events/record";
import { EVENTS_COMMITTED, eventBus } from "@/lib/events/bus";
import { createGoal } from "@/lib/orchestration/create-goal";
import { registerAgent } from "@/lib/orchestration/agents";
import { assignAcrossAgents, pullTasks } from "@/lib/orchestration/assign-tasks";
import { waitFor } from "@/lib/testing/wait";

type LoggedEvent = {
  seq: string;
  type: string;
  actor: string;
  goal_id: string | null;
  subtask_id: string | null;
  agent_id: string | null;
  data: unknown;
};

async function eventsAfter(seq: string): Promise<LoggedEvent[]> {
  return pooled().$queryRawUnsafe<LoggedEvent[]>(
    "SELECT seq::text, type, actor, goal_id, subtask_id, agent_id, data FROM events WHERE seq > $1::bigint ORDER BY seq",
    seq,
  );
}

async function lastSeq(): Promise<string> {
  const [row] = await pooled().$queryRawUnsafe<Array<{ seq: string }>>("SELECT COALESCE(max(seq), 0)::text AS seq FROM events");
  return row!.seq;
}

async function setOffline(agentId: string): Promise<void> {
  await pooled().$executeRawUnsafe("UPDATE agents SET offline = true WHERE id = $1::uuid", agentId);
}

function plan(prefix: string, n: number) {
  // Priorities out of key order: the order handed out is the scheduler's, not the plan's.
  return { tasks: Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, name: `${prefix}${i}`, priority: (n - i) % 3 })) };
}

describe("a pull's events", () => {
  it("an offline agent's pull logs agent.online, goal.started, then task.assigned in the order handed out", async () => {
    const goal = await createGoal({ goal: "pull events", actor: "test", plan: plan("p", 5) });
    const agent = await registerAgent({ skills: [], capacity: 10 });
    await setOffline(agent.id);
    const from = await lastSeq();
    const pulled = await pullTasks({ agentId: agent.id, max: 4 });
    expect(pulled).toHaveLength(4);

    const events = await eventsAfter(from);
    for (const e of events) expect(eventPayloadProblem({ type: e.type, data: e.data })).toBeNull();
    const actor = `agent:${agent.id}`;
    expect(events.map((e) => [e.type, e.actor, e.goal_id, e.subtask_id, e.agent_id])).toEqual([
      ["agent.online", actor, null, null, agent.id],
      ["goal.started", actor, goal.goalId, null, null],
      ...pulled.map((a) => ["task.assigned", actor, goal.goalId, a.subtaskId, agent.id]),
    ]);
    expect(events.slice(2).map((e) => e.data)).toEqual(pulled.map(() => ({ attempt: 1, status: "running" })));
    expect(events[1]!.data).toEqual({ status: "running" });

    // Online and the goal running: the next pull logs only its task.
    const again = await pullTasks({ agentId: agent.id, max: 4 });
    expect((await eventsAfter(events.at(-1)!.seq)).map((e) => [e.type, e.subtask_id])).toEqual([["task.assigned", again[0]!.subtaskId]]);
  });

  it("a pull that waited for its agent's row logs agent.online (emitted) before the tasks (written by the claim)", async () => {
    await createGoal({ goal: "pull events, held agent", actor: "test", plan: plan("h", 2) });
    const agent = await registerAgent({ skills: [], capacity: 10 });
    await setOffline(agent.id);
    const from = await lastSeq();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const held = new Promise<void>((r) => (locked = r));
    const holder = withEvents(async (tx) => {
      await tx.$queryRaw`SELECT id FROM agents WHERE id = ${agent.id}::uuid FOR UPDATE`;
      locked();
      await gate;
    });
    await held;
    const pulling = pullTasks({ agentId: agent.id, max: 2 });
    await waitFor(
      async () => {
        const [row] = await pooled().$queryRawUnsafe<Array<{ n: number }>>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        );
        return row!.n >= 1;
      },
      { what: "the pull to wait for the agent's row" },
    );
    release();
    await holder;
    const pulled = await pulling;
    expect(pulled).toHaveLength(2);
    const events = await eventsAfter(from);
    expect(events.map((e) => [e.type, e.subtask_id])).toEqual([
      ["agent.online", null],
      ["goal.started", null],
      ...pulled.map((a) => ["task.assigned", a.subtaskId]),
    ]);
  });

  it("a pull announces its commit only when it wrote events", async () => {
    await createGoal({ goal: "announce", actor: "test", plan: { tasks: [{ key: "a", name: "a", required_skills: ["announce"] }] } });
    const idle = await registerAgent({ skills: ["nothing-here"], capacity: 5 });
    const worker = await registerAgent({ skills: ["announce"], capacity: 5 });
    let announced = 0;
    const count = () => announced++;
    eventBus().on(EVENTS_COMMITTED, count);
    try {
      expect(await pullTasks({ agentId: idle.id, max: 5 })).toHaveLength(0);
      expect(announced).toBe(0);
      expect(await pullTasks({ agentId: worker.id, max: 5 })).toHaveLength(1);
      expect(announced).toBe(1);
      await setOffline(idle.id);
      expect(await pullTasks({ agentId: idle.id, max: 5 })).toHaveLength(0); // agent.online
      expect(announced).toBe(2);
    } finally {
      eventBus().off(EVENTS_COMMITTED, count);
    }
  });

  it("goals started by one assignment are logged in the order of their first task", async () => {
    const later = await createGoal({ goal: "later", actor: "test", plan: { tasks: [{ key: "l", name: "l", priority: 3 }] } });
    const sooner = await createGoal({ goal: "sooner", actor: "test", plan: { tasks: [{ key: "s", name: "s", priority: 0 }] } });
    const agent = await registerAgent({ skills: [], capacity: 10 });
    const from = await lastSeq();
    const pulled = await pullTasks({ agentId: agent.id, max: 10 });
    const ours = [sooner.goalId, later.goalId];
    expect(pulled.map((a) => a.goalId).filter((g) => ours.includes(g))).toEqual(ours);
    const started = (await eventsAfter(from)).filter((e) => e.type === "goal.started" && ours.includes(e.goal_id!));
    expect(started.map((e) => e.goal_id)).toEqual(ours);
  });

  it("the operator's assignment logs the goal started and each task assigned, as the operator", async () => {
    const goal = await createGoal({ goal: "assign events", actor: "test", plan: plan("o", 3) });
    await registerAgent({ skills: [], capacity: 3 });
    const from = await lastSeq();
    const assigned = await assignAcrossAgents({ actor: "operator:test" });
    const ours = assigned.filter((a) => a.goalId === goal.goalId);
    expect(ours).toHaveLength(3);
    const events = (await eventsAfter(from)).filter((e) => e.goal_id === goal.goalId);
    for (const e of events) expect(eventPayloadProblem({ type: e.type, data: e.data })).toBeNull();
    expect(events.map((e) => [e.type, e.actor])).toEqual([
      ["goal.started", "operator:test"],
      ["task.assigned", "operator:test"],
      ["task.assigned", "operator:test"],
      ["task.assigned", "operator:test"],
    ]);
    expect(new Set(events.slice(1).map((e) => e.subtask_id))).toEqual(new Set(ours.map((a) => a.subtaskId)));
  });
});
