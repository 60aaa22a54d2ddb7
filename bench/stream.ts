// Issue 9's bench row: 32 agents each streaming 50 output lines a second (batched in a
// progress report every 250 ms, as switchyard-agent does) while their tasks run, against a
// real server process. Measures the server's CPU share (of one core), the live push
// latency (report sent → the `progress` push at a socket.io client in the goal's room)
// and the output store's size (it must stay bounded: 256 KiB per attempt).
import { io as connect } from "socket.io-client";
import type { RunningServer } from "@/lib/testing/server";
import { createGoal } from "@/lib/orchestration/create-goal";
import { independentPlan } from "./engine";
import { backendCpuMs, call, fmt, log, now, percentile, processCpuMs, registerAgents, sleep, walPosition, withPg } from "./util";

export interface StreamFigures {
  reports: number;
  cpuShare: number;
  push: number[];
  /** Report sent → its HTTP answer (the part of the push latency that is the report itself). */
  ack: number[];
  storedBytes: number;
  streamedBytes: number;
  attempts: number;
  /** PostgreSQL's CPU (its backends, ms) and the WAL (bytes) per report in the timed part. */
  dbMsPerReport: number;
  walBytesPerReport: number;
}

/**
 * Lines like a build's or an agent's log: a counter, a path, a hash, a duration. Varied as
 * real output is (the same line repeated compresses to nothing and hides what storing
 * output costs), and the same in every run (a seeded generator).
 */
function logLines(seed: number): (count: number) => string {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
  const words = ["compiling", "linking", "testing", "reading", "writing", "resolving", "fetching", "checking", "parsing", "bundling"];
  let n = 0;
  return (count) => {
    let out = "";
    for (let i = 0; i < count; i++, n++) {
      const hash =
        Math.floor(next() * 0xffffffff)
          .toString(16)
          .padStart(8, "0") +
        Math.floor(next() * 0xffffffff)
          .toString(16)
          .padStart(8, "0");
      out += `[${String(n).padStart(6, "0")}] ${words[Math.floor(next() * words.length)]} src/module_${Math.floor(next() * 500)}/file_${Math.floor(next() * 9000)}.ts ${hash} ${(next() * 900).toFixed(1)} ms\n`;
    }
    return out;
  };
}

export async function streamingOutput(
  server: RunningServer,
  databaseUrl: string,
  options: { agents: number; linesPerS: number; seconds: number },
): Promise<StreamFigures> {
  const created = await createGoal({ goal: "streaming output", plan: independentPlan(options.agents), actor: "bench" });
  const goalId = created.goalId!;
  const agents = await registerAgents(server.url, options.agents, { prefix: "s", skills: [], capacity: 1 });
  const tasks = await Promise.all(
    agents.map(async (a) => {
      const r = await call<{ assignments: Array<{ subtask_uuid: string; attempt: number }> }>(
        `${server.url}/api/orchestration/assign`,
        { agent_id: a.agent_id, max: 1 },
        a.token,
      );
      return r.assignments[0]!;
    }),
  );

  const socket = connect(server.url, { transports: ["websocket"], reconnection: false });
  const push: number[] = [];
  // From the report's start in the server (its `at`; same machine, same clock) to here.
  const fromServer: number[] = [];
  socket.on("progress", (pushes: Array<{ output: string; at: string }>) => {
    const at = now();
    const wall = Date.now();
    for (const p of pushes) {
      const m = /^@(\d+(?:\.\d+)?)\n/.exec(p.output);
      if (m) push.push(at - Number(m[1]));
      fromServer.push(wall - Date.parse(p.at));
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  await new Promise<void>((resolve) => socket.emit("subscribe", { goal_id: goalId }, () => resolve()));

  const lines = agents.map((_, i) => logLines(i + 1));
  // Untimed: each attempt's tail filled past its bound first, so the timed part runs in the
  // steady state of a long task (every report trims the front of a full 256 KiB tail) and
  // the store's size shows the bound holding.
  await Promise.all(
    agents.map(async (a, i) => {
      const t = tasks[i]!;
      // In reports of about 4 kB, as a chatty agent sends them: the chunks the timed
      // reports cut from the front are of that size, not one large block.
      for (let sent = 0; sent < 300 * 1024;) {
        const fill = lines[i]!(50);
        sent += fill.length;
        await call(`${server.url}/api/orchestration/progress`, { subtask_uuid: t.subtask_uuid, attempt: t.attempt, output: fill }, a.token);
      }
    }),
  );
  const perReport = Math.max(1, Math.round(options.linesPerS / 4));
  const pid = server.process.pid!;
  const cpuBefore = processCpuMs(pid);
  const dbBefore = await backendCpuMs(databaseUrl);
  const walBefore = (await walPosition(databaseUrl)).bytes;
  const started = now();
  let reports = 0;
  const ack: number[] = [];
  const end = started + options.seconds * 1000;
  await Promise.all(
    agents.map(async (a, i) => {
      const t = tasks[i]!;
      let n = 0;
      while (now() < end) {
        const tick = now();
        const output = `@${now()}\n${lines[i]!(perReport)}`;
        const sent = now();
        await call(
          `${server.url}/api/orchestration/progress`,
          { subtask_uuid: t.subtask_uuid, attempt: t.attempt, progress: Math.min(1, n / 1000), message: `line ${n}`, output },
          a.token,
        );
        ack.push(now() - sent);
        reports++;
        n += perReport;
        await sleep(Math.max(0, 250 - (now() - tick)));
      }
    }),
  );
  const wallMs = now() - started;
  const cpuShare = (processCpuMs(pid) - cpuBefore) / wallMs;
  const dbMs = (await backendCpuMs(databaseUrl)) - dbBefore;
  const walBytes = (await walPosition(databaseUrl)).bytes - walBefore;
  await sleep(200);
  socket.disconnect();
  const store = await withPg(databaseUrl, async (c) => {
    const r = await c.query<{ stored: string; streamed: string; n: string }>(
      "SELECT (SELECT COALESCE(sum(octet_length(content)), 0) FROM task_output_chunks) AS stored, COALESCE(sum(total_bytes), 0) AS streamed, count(*) AS n FROM task_outputs",
    );
    return r.rows[0]!;
  });
  log(
    `stream: report answered p50 ${fmt.ms(percentile(ack, 50))} p95 ${fmt.ms(percentile(ack, 95))}; ` +
      `report started in the server → pushed here p50 ${fmt.ms(percentile(fromServer, 50))} p95 ${fmt.ms(percentile(fromServer, 95))}`,
  );
  return {
    reports,
    cpuShare,
    push,
    ack,
    storedBytes: Number(store.stored),
    streamedBytes: Number(store.streamed),
    attempts: Number(store.n),
    dbMsPerReport: dbMs / reports,
    walBytesPerReport: walBytes / reports,
  };
}
