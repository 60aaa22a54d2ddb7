// Switchyard through a real server process (server.ts, production build): the HTTP API
// with agent clients, the tensor endpoint, live push over socket.io, server memory.
import { readFileSync } from "node:fs";
import { io as connect } from "socket.io-client";
import { startServer, type RunningServer } from "@/lib/testing/server";
import { createGoal } from "@/lib/orchestration/create-goal";
import { registerAgent } from "@/lib/orchestration/agents";
import { independentPlan, layeredPlan } from "./engine";
import { backendCpuMs, call, cpuOfLastRun, now, processCpuMs, registerAgents, sleep, percentile, walPosition } from "./util";

export async function benchServer(databaseUrl: string, port: number): Promise<RunningServer> {
  return startServer({
    databaseUrl,
    port,
    timeoutMs: 120_000,
    env: { DB_POOL_SIZE: "10" },
  });
}

/** N independent tasks (created in-process, beyond the 10,000-task limit of one request) drained by `workers` HTTP agents. */
export async function httpThroughput(server: RunningServer, options: { tasks: number; workers: number; max: number }): Promise<number> {
  await createGoal({ goal: "http throughput", plan: independentPlan(options.tasks), actor: "bench" });
  const agents = await registerAgents(server.url, options.workers, { prefix: "h", skills: [], capacity: 1000 });
  let done = 0;
  const serverPid = server.process.pid!;
  const db0 = await backendCpuMs(process.env.DATABASE_URL!);
  const wal0 = (await walPosition(process.env.DATABASE_URL!)).bytes;
  const server0 = processCpuMs(serverPid);
  const clients0 = process.cpuUsage();
  const start = now();
  await Promise.all(
    agents.map(async (agent) => {
      while (done < options.tasks) {
        const { assignments } = await call<{ assignments: Array<{ subtask_uuid: string; attempt: number }> }>(
          `${server.url}/api/orchestration/assign`,
          { agent_id: agent.agent_id, max: options.max },
          agent.token,
        );
        if (assignments.length === 0) {
          await sleep(5);
          continue;
        }
        const { results } = await call<{ results: Array<{ ok: boolean }> }>(
          `${server.url}/api/orchestration/complete-batch`,
          { completions: assignments.map((a) => ({ subtask_uuid: a.subtask_uuid, attempt: a.attempt, result: "" })) },
          agent.token,
        );
        if (results.some((r) => !r.ok)) throw new Error("a completion was refused");
        done += assignments.length;
      }
    }),
  );
  const rate = options.tasks / ((now() - start) / 1000);
  const clients = process.cpuUsage(clients0);
  cpuOfLastRun.processMs = (clients.user + clients.system) / 1000;
  cpuOfLastRun.serverMs = processCpuMs(serverPid) - server0;
  cpuOfLastRun.dbMs = (await backendCpuMs(process.env.DATABASE_URL!)) - db0;
  cpuOfLastRun.walBytes = (await walPosition(process.env.DATABASE_URL!)).bytes - wal0;
  return rate;
}

/** Serves the tensor in each format: median time of `runs` requests and the body size. */
export async function tensorServe(
  server: RunningServer,
  runs: number,
): Promise<Record<"dense" | "sparse" | "binary", { ms: number; bytes: number }>> {
  const out = {} as Record<"dense" | "sparse" | "binary", { ms: number; bytes: number }>;
  for (const format of ["binary", "sparse", "dense"] as const) {
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < runs; i++) {
      const t = now();
      const res = await fetch(`${server.url}/api/orchestration/tensor?format=${format}`);
      const body = await res.arrayBuffer();
      times.push(now() - t);
      if (!res.ok) throw new Error(`tensor ${format}: ${res.status}`);
      bytes = body.byteLength;
      if (format === "binary") {
        const shape = (res.headers.get("x-tensor-shape") ?? "").split(",").map(Number);
        if (shape.reduce((a, b) => a * b, 4) !== bytes) throw new Error(`binary tensor: shape ${shape} does not match ${bytes} bytes`);
      }
    }
    out[format] = { ms: percentile(times, 50), bytes };
  }
  return out;
}

/**
 * Live push: a state change committed (agent registration, a domain transaction in this
 * process on the same database) → a socket.io client on the server receives its event.
 * Timed from the start of the committing call (an upper bound: it includes the
 * transaction itself). Undefined when no event arrives at all (no relay).
 */
export async function pushLatency(server: RunningServer, samples: number): Promise<number[] | undefined> {
  const socket = connect(server.url, { transports: ["websocket"], reconnection: false });
  const received = new Map<string, number>();
  socket.on("event", (e: { type: string; agent_id: string | null }) => {
    if (e.type === "agent.registered" && e.agent_id) received.set(e.agent_id, now());
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", reject);
    });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000);
      socket.emit("subscribe", {}, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    const first = await registerAgent({ skills: [], name: "push-probe" });
    const deadline = Date.now() + 5000;
    while (!received.has(first.id) && Date.now() < deadline) await sleep(10);
    if (!received.has(first.id)) return undefined;
    const latencies: number[] = [];
    for (let i = 0; i < samples; i++) {
      const t = now();
      const agent = await registerAgent({ skills: [], name: `push-${i}` });
      const until = Date.now() + 2000;
      while (!received.has(agent.id) && Date.now() < until) await sleep(1);
      const r = received.get(agent.id);
      latencies.push(r === undefined ? Infinity : r - t);
      await sleep(10);
    }
    return latencies;
  } finally {
    socket.close();
  }
}

/** Peak resident memory (VmHWM) of the server after 500 agents register and a 10,000-task plan is decomposed over HTTP, then read back by status, goals, agents and metrics. */
export async function serverMemory(server: RunningServer): Promise<{ peakBytes: number; decomposeMs: number }> {
  for (let i = 0; i < 500; i += 50) {
    await Promise.all(
      Array.from({ length: 50 }, (_, j) =>
        call(`${server.url}/api/orchestration/register`, { skills: ["x"], capacity: 2, name: `m${i + j}` }),
      ),
    );
  }
  const t = now();
  await call(`${server.url}/api/orchestration/decompose`, { goal: "memory", plan: layeredPlan(100, 100) });
  const decomposeMs = now() - t;
  // What a dashboard reads (the tensor of the whole plan is measured on its own above).
  for (const path of ["/api/orchestration/status", "/api/goals", "/api/agents", "/api/metrics"]) {
    const res = await fetch(`${server.url}${path}`);
    await res.arrayBuffer();
  }
  const status = readFileSync(`/proc/${server.process.pid}/status`, "utf8");
  const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
  return { peakBytes: hwm ? Number(hwm[1]) * 1024 : NaN, decomposeMs };
}
