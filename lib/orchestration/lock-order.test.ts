// Lock order: an agent's row before its tasks' rows, everywhere. A transaction that holds
// an agent and then needs its tasks (unregister, the sweep putting a dead agent's work back)
// must not deadlock with one that reports, times out or moves a task of that agent.
import { describe, expect, it } from "vitest";
import pg from "pg";
import { env } from "@/lib/env";
import { db, type Tx } from "@/lib/db";
import { withEvents, type Emit } from "@/lib/events/record";
import { createGoal } from "@/lib/orchestration/create-goal";
import { registerAgent } from "@/lib/orchestration/agents";
import { pullTasks } from "@/lib/orchestration/assign-tasks";
import { completeTask, completeTasks, failTask } from "@/lib/orchestration/report-result";
import { requeueAgentTasks } from "@/lib/orchestration/requeue";
import { cancelGoal, cancelTask, reassignTask } from "@/lib/orchestration/operator-actions";
import { sweep } from "@/lib/orchestration/sweep";
import { waitFor } from "@/lib/testing/wait";
import { claimReady, inClaimTurn } from "@/lib/orchestration/ready";

async function sessionsWaitingOnLocks(): Promise<number> {
  const rows = await db().$queryRaw<Array<{ n: number }>>`
    SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
  return rows[0]!.n;
}

/**
 * Holds the agent's row (as unregister and the sweep do), lets `contender` start and
 * block on a lock, then puts the agent's running tasks back in the pool. Returns what
 * the requeue released and how the contender ended (its value or its error).
 */
/** Holds the agent's row in a transaction of its own until `release()`; `then` runs in that transaction after. */
async function holdAgent<T>(agentId: string, then: (tx: Tx, emit: Emit) => Promise<T>) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let signal!: () => void;
  const agentLocked = new Promise<void>((r) => (signal = r));
  const holder = withEvents(async (tx, emit) => {
    await tx.$queryRaw`SELECT id FROM agents WHERE id = ${agentId}::uuid FOR UPDATE`;
    signal();
    await gate;
    return then(tx, emit);
  });
  await agentLocked;
  return { release, holder };
}

async function requeueAgainst(agentId: string, contender: () => Promise<unknown>) {
  const { release, holder: requeue } = await holdAgent(agentId, (tx, emit) =>
    requeueAgentTasks(tx, emit, agentId, "offline", "system", new Date()),
  );
  const contended = contender().then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  await waitFor(async () => (await sessionsWaitingOnLocks()) >= 1, { what: "the contender to wait on a lock" });
  release();
  return { released: await requeue, contended: await contended };
}

/** A new agent running one task (possibly an earlier test's task put back in the pool: use the assignment). */
async function oneRunningTask(key: string) {
  const goal = await createGoal({ goal: `lock order ${key}`, actor: "test", plan: { tasks: [{ key, name: key }] } });
  const agent = await registerAgent({ skills: [], capacity: 1 });
  const [assignment] = await pullTasks({ agentId: agent.id });
  return { goal, agent, assignment: assignment! };
}

describe("agent rows are locked before task rows", () => {
  it("a completion racing the requeue of its agent's work is refused as stale, not deadlocked", async () => {
    const { agent, assignment } = await oneRunningTask("complete");
    const { released, contended } = await requeueAgainst(agent.id, () =>
      completeTask({ subtaskId: assignment.subtaskId, agentId: agent.id, attempt: assignment.attempt, result: "late" }),
    );
    expect(released).toEqual([assignment.subtaskId]);
    expect(contended).toMatchObject({ error: { code: "stale_attempt" } });
  });

  it("a failure report racing the requeue is refused as stale, not deadlocked", async () => {
    const { agent, assignment } = await oneRunningTask("fail");
    const { released, contended } = await requeueAgainst(agent.id, () =>
      failTask({ subtaskId: assignment.subtaskId, agentId: agent.id, attempt: assignment.attempt, error: "late" }),
    );
    expect(released).toEqual([assignment.subtaskId]);
    expect(contended).toMatchObject({ error: { code: "stale_attempt" } });
  });

  it("a batch completion racing the requeue refuses its item as stale, not deadlocked", async () => {
    const { agent, assignment } = await oneRunningTask("batch");
    const { released, contended } = await requeueAgainst(agent.id, () =>
      completeTasks([{ subtaskId: assignment.subtaskId, agentId: agent.id, attempt: assignment.attempt, result: "late" }]),
    );
    expect(released).toEqual([assignment.subtaskId]);
    expect(contended).toMatchObject({ value: [{ ok: false, error: { code: "stale_attempt" } }] });
  });

  it("the operator cancelling a task racing the requeue of its agent: the task ends cancelled", async () => {
    const { agent, assignment } = await oneRunningTask("cancel");
    const { released, contended } = await requeueAgainst(agent.id, () =>
      cancelTask({ subtaskId: assignment.subtaskId, actor: "operator" }),
    );
    expect(released).toEqual([assignment.subtaskId]);
    expect(contended).toMatchObject({ value: { subtaskId: assignment.subtaskId } });
    const task = await db().subtask.findUniqueOrThrow({ where: { id: assignment.subtaskId } });
    expect(task.status).toBe("cancelled");
  });

  it("the operator cancelling a goal racing the requeue of its agent: the goal ends cancelled", async () => {
    const { agent, assignment } = await oneRunningTask("cancel goal");
    const { released, contended } = await requeueAgainst(agent.id, () => cancelGoal({ goalId: assignment.goalId, actor: "operator" }));
    expect(released).toEqual([assignment.subtaskId]);
    expect(contended).toMatchObject({ value: { cancelled: [assignment.subtaskId] } });
    const row = await db().goal.findUniqueOrThrow({ where: { id: assignment.goalId } });
    expect(row.status).toBe("cancelled");
  });

  it("the operator reassigning a task racing the requeue of its agent: the new agent gets it", async () => {
    const { agent, assignment } = await oneRunningTask("reassign");
    const other = await registerAgent({ skills: [], capacity: 1 });
    const { contended } = await requeueAgainst(agent.id, () =>
      reassignTask({ subtaskId: assignment.subtaskId, agentId: other.id, actor: "operator" }),
    );
    expect(contended).toMatchObject({ value: { assignment: { agentId: other.id } } });
    const task = await db().subtask.findUniqueOrThrow({ where: { id: assignment.subtaskId } });
    expect(task).toMatchObject({ status: "running", agentId: other.id });
  });

  it("a pull of an agent another transaction holds waits for it outside the claim turn: the holder still claims", async () => {
    // The operator's assign across agents holds agents, then claims in this process's turn;
    // a pull that waited for one of those agents inside the turn would never get it.
    await createGoal({
      goal: "lock order pull",
      actor: "test",
      plan: {
        tasks: [
          { key: "p1", name: "p1" },
          { key: "p2", name: "p2" },
        ],
      },
    });
    const agent = await registerAgent({ skills: [], capacity: 5 });
    // The holder's own claim, in the turn, after the pull has started.
    const { release, holder } = await holdAgent(agent.id, (tx) =>
      inClaimTurn(() => tx.$queryRaw<Array<{ id: string }>>`${claimReady(null, 1, new Date())}`),
    );
    const pulling = pullTasks({ agentId: agent.id });
    await waitFor(async () => (await sessionsWaitingOnLocks()) >= 1, { what: "the pull to wait for the agent" });
    release();
    const outcome = await Promise.race([Promise.all([holder, pulling]), new Promise<"stuck">((r) => setTimeout(() => r("stuck"), 10_000))]);
    expect(outcome).not.toBe("stuck");
    const [claimedByHolder, pulled] = outcome as [Array<{ id: string }>, Awaited<ReturnType<typeof pullTasks>>];
    expect(claimedByHolder).toHaveLength(1);
    expect(pulled.length).toBeGreaterThanOrEqual(1);
  });

  it("the sweep does not wait on a busy agent to time out its task: it leaves it for a later sweep", async () => {
    const { agent, assignment } = await oneRunningTask("timeout");
    const past = new Date(assignment.deadlineAt.getTime() + 1000);
    const heartbeatTimeoutS = 365 * 24 * 3600;
    const { release, holder } = await holdAgent(agent.id, async () => undefined);
    let report: Awaited<ReturnType<typeof sweep>> | undefined;
    const sweeping = sweep({ now: past, heartbeatTimeoutS }).then((r) => (report = r));
    const first = await waitFor(async () => report ?? ((await sessionsWaitingOnLocks()) >= 1 ? "blocked" : undefined), {
      what: "the sweep to end or block",
    });
    release();
    await holder;
    await sweeping;
    expect(first).not.toBe("blocked");
    expect(report!.tasksTimedOut).not.toContain(assignment.subtaskId);
    const later = await sweep({ now: past, heartbeatTimeoutS });
    expect(later.tasksTimedOut).toContain(assignment.subtaskId);
  });
});

describe("task rows are locked in id order", () => {
  it("a batch reporting its tasks in descending id order beside a transaction that locks them in id order (as pausing a goal does): both finish", async () => {
    const goal = await createGoal({
      goal: "lock order by id",
      actor: "test",
      plan: {
        tasks: [
          { key: "x", name: "x" },
          { key: "y", name: "y" },
        ],
      },
    });
    const agent = await registerAgent({ skills: [], capacity: 2 });
    const pulled = await pullTasks({ agentId: agent.id });
    expect(pulled.filter((a) => a.goalId === goal.goalId)).toHaveLength(2);
    const [low, high] = pulled.filter((a) => a.goalId === goal.goalId).sort((a, b) => (a.subtaskId < b.subtaskId ? -1 : 1));
    const other = new pg.Client({ connectionString: env().DATABASE_URL });
    await other.connect();
    try {
      await other.query("BEGIN");
      await other.query("SELECT id FROM subtasks WHERE id = $1::uuid FOR UPDATE", [low!.subtaskId]);
      // The batch names the higher id first; it must still take the lower one first, and wait there.
      const batch = completeTasks(
        [high!, low!].map((a) => ({ subtaskId: a.subtaskId, agentId: agent.id, attempt: a.attempt, result: "done" })),
      );
      await waitFor(async () => (await sessionsWaitingOnLocks()) >= 1, { what: "the batch to wait on the lower id" });
      // The other transaction goes on in id order: the higher id is free.
      await other.query("SELECT id FROM subtasks WHERE id = $1::uuid FOR UPDATE", [high!.subtaskId]);
      await other.query("COMMIT");
      const outcomes = await batch;
      expect(outcomes.map((o) => o.ok && !o.repeated)).toEqual([true, true]);
    } finally {
      await other.end();
    }
  });
});
