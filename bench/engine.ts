// Switchyard's engine called in-process: throughput, the layered DAG, a big plan, the tensor.
import { createGoal, type PlanInput } from "@/lib/orchestration/create-goal";
import { registerAgent } from "@/lib/orchestration/agents";
import { pullTasks, type Assignment } from "@/lib/orchestration/assign-tasks";
import * as report from "@/lib/orchestration/report-result";
import { eventBus, EVENTS_COMMITTED } from "@/lib/events/bus";
import { backendCpuMs, cpuOfLastRun, now, walPosition } from "./util";
import { env } from "@/lib/env";

/** An idle agent waits for the next commit in this process (what the relay would push), at most `ms`. */
export function waitForCommit(ms = 50): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(finish, ms);
    function finish() {
      clearTimeout(timer);
      eventBus().off(EVENTS_COMMITTED, finish);
      resolve();
    }
    eventBus().on(EVENTS_COMMITTED, finish);
  });
}

export function independentPlan(n: number): { tasks: PlanInput[] } {
  return { tasks: Array.from({ length: n }, (_, i) => ({ key: `t${i}`, name: `no-op ${i}` })) };
}

/** Completes a pulled batch: one call for all (batched) or one transaction per task. */
export async function completeAll(agentId: string, batch: Assignment[], mode: "batch" | "single"): Promise<void> {
  if (batch.length === 0) return;
  const completeTasks = (report as Record<string, unknown>).completeTasks as
    ((items: Array<{ subtaskId: string; agentId: string; attempt?: number; result: string }>) => Promise<unknown>) | undefined;
  if (mode === "batch" && completeTasks) {
    await completeTasks(batch.map((a) => ({ subtaskId: a.subtaskId, agentId, attempt: a.attempt, result: "" })));
    return;
  }
  for (const a of batch) await report.completeTask({ subtaskId: a.subtaskId, agentId, attempt: a.attempt, result: "" });
}

/** N independent no-op tasks drained by `workers` agents pulling `max` at a time (`drained`: told the WAL positions around the drain). */
export async function engineThroughput(options: {
  tasks: number;
  workers: number;
  max: number;
  mode: "batch" | "single";
  drained?: (wal: { from: string; to: string }) => void;
}): Promise<number> {
  await createGoal({ goal: "throughput", plan: independentPlan(options.tasks), actor: "bench" });
  const agents = await Promise.all(
    Array.from({ length: options.workers }, (_, i) => registerAgent({ skills: [], capacity: 1000, name: `w${i}` })),
  );
  let done = 0;
  const db0 = await backendCpuMs(env().DATABASE_URL!);
  const from = await walPosition(env().DATABASE_URL!);
  const cpu0 = process.cpuUsage();
  const start = now();
  await Promise.all(
    agents.map(async (agent) => {
      while (done < options.tasks) {
        const batch = await pullTasks({ agentId: agent.id, max: options.max });
        if (batch.length === 0) {
          await waitForCommit();
          continue;
        }
        await completeAll(agent.id, batch, options.mode);
        done += batch.length;
      }
    }),
  );
  const rate = options.tasks / ((now() - start) / 1000);
  const cpu = process.cpuUsage(cpu0);
  cpuOfLastRun.processMs = (cpu.user + cpu.system) / 1000;
  cpuOfLastRun.dbMs = (await backendCpuMs(env().DATABASE_URL!)) - db0;
  const to = await walPosition(env().DATABASE_URL!);
  cpuOfLastRun.walBytes = to.bytes - from.bytes;
  options.drained?.({ from: from.lsn, to: to.lsn });
  return rate;
}

/** 100 wide × 100 deep: task (k, i) depends on (k-1, i) and (k-1, (i+1) % width). */
export function layeredPlan(width: number, depth: number): { tasks: PlanInput[] } {
  const tasks: PlanInput[] = [];
  for (let k = 0; k < depth; k++) {
    for (let i = 0; i < width; i++) {
      tasks.push({
        key: `L${k}-${i}`,
        name: `layer ${k} #${i}`,
        depends_on: k === 0 ? [] : [`L${k - 1}-${i}`, `L${k - 1}-${(i + 1) % width}`],
      });
    }
  }
  return { tasks };
}

export async function planPersist(width: number, depth: number): Promise<number> {
  const plan = layeredPlan(width, depth);
  const start = now();
  await createGoal({ goal: "big plan", plan, actor: "bench" });
  return now() - start;
}

/**
 * The layered DAG run by `workers` agents pulling up to `max` each and completing in
 * batches. An idle agent waits until released work is announced (as a task.ready push
 * would tell it): each release wakes as many idle agents as it has batches of work.
 * Release latency: a parent's completion report → its transaction committed with the
 * child ready (release happens in the completing transaction).
 * Pickup latency: that commit → an agent holds the child.
 */
export async function dagRun(options: {
  width: number;
  depth: number;
  workers: number;
  max: number;
}): Promise<{ makespanMs: number; release: number[]; pickup: number[] }> {
  const { completeTasks } = await import("@/lib/orchestration/report-result");
  const total = options.width * options.depth;
  await createGoal({ goal: "layered", plan: layeredPlan(options.width, options.depth), actor: "bench" });
  const agents = await Promise.all(
    Array.from({ length: options.workers }, (_, i) => registerAgent({ skills: [], capacity: 1000, name: `d${i}` })),
  );
  const readyAt = new Map<string, number>();
  const release: number[] = [];
  const pickup: number[] = [];
  let done = 0;
  const idle: Array<() => void> = [];
  const wake = (n: number) => {
    for (let k = 0; k < n && idle.length > 0; k++) idle.shift()!();
  };
  const waitForWork = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        const at = idle.indexOf(wakeUp);
        if (at >= 0) idle.splice(at, 1);
        resolve();
      }, 1000);
      function wakeUp() {
        clearTimeout(timer);
        resolve();
      }
      idle.push(wakeUp);
    });
  const start = now();
  await Promise.all(
    agents.map(async (agent) => {
      while (done < total) {
        const batch = await pullTasks({ agentId: agent.id, max: options.max });
        const pulledAt = now();
        if (batch.length === 0) {
          await waitForWork();
          continue;
        }
        for (const a of batch) {
          const r = readyAt.get(a.subtaskId);
          if (r !== undefined) pickup.push(pulledAt - r);
        }
        const reported = now();
        const outcomes = await completeTasks(
          batch.map((a) => ({ subtaskId: a.subtaskId, agentId: agent.id, attempt: a.attempt, result: "" })),
        );
        const committed = now();
        let released = 0;
        for (const o of outcomes) {
          if (!o.ok) throw o.error;
          for (const child of o.released) {
            readyAt.set(child, committed);
            release.push(committed - reported);
            released++;
          }
        }
        done += batch.length;
        if (done >= total) wake(idle.length);
        else if (released > 0) wake(Math.ceil(released / options.max));
      }
    }),
  );
  return { makespanMs: now() - start, release, pickup };
}

/** The tensor's build time in-process (load from the database + build), median of runs: sparse entries and Float32. */
export async function tensorBuild(runs: number): Promise<{ sparseMs: number; float32Ms: number }> {
  const { loadTensor, loadDenseTensor } = await import("@/lib/presenters/tensor");
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const sparse: number[] = [];
  const dense: number[] = [];
  for (let i = 0; i < runs; i++) {
    let t = now();
    await loadTensor({});
    sparse.push(now() - t);
    t = now();
    await loadDenseTensor({});
    dense.push(now() - t);
  }
  return { sparseMs: median(sparse), float32Ms: median(dense) };
}

export async function tensorSetup(tasks: number, agents: number): Promise<void> {
  const skills = ["a", "b", "c", "d", "e"];
  await createGoal({
    goal: "tensor",
    actor: "bench",
    plan: {
      tasks: Array.from({ length: tasks }, (_, i) => ({ key: `t${i}`, name: `t${i}`, required_skills: [skills[i % 5]!], priority: i % 4 })),
    },
  });
  for (let i = 0; i < agents; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, agents - i) }, (_, j) =>
        registerAgent({ skills: skills.filter((_, s) => (i + j + s) % 2 === 0), capacity: 4, name: `ta${i + j}` }),
      ),
    );
  }
}
