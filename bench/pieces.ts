// Runs single pieces of the benchmark (npm run bench runs them all), for working on one:
//   npx tsx bench/pieces.ts graphile graphile-fast engine http dag plan memory stream wal
// Prints one line per piece on stdout; BENCH_TASKS (default 20,000) sets the task count, BENCH_POOL
// (default 16) the in-process pieces' pool size.
import { loadavg } from "node:os";
import { disconnectDb } from "@/lib/db";
import { cpuOfLastRun, dropAll, fmt, freshDatabase, log, percentile, quietCluster, useSwitchyardDb } from "./util";
import { graphileThroughput } from "./queues";
import { dagRun, engineThroughput, planPersist } from "./engine";
import { benchServer, httpThroughput, serverMemory } from "./http";
import { streamingOutput } from "./stream";
import { walOfEngineDrain } from "./wal";

const TASKS = Number(process.env.BENCH_TASKS ?? 20_000);
const WORKERS = 32;
const PORT = Number(process.env.BENCH_PORT ?? 4313);

const pieces: Record<string, () => Promise<string>> = {
  graphile: async () =>
    fmt.rate(await graphileThroughput((await freshDatabase("empty")).url, { jobs: TASKS, concurrency: WORKERS, highThroughput: false })),
  "graphile-fast": async () =>
    fmt.rate(await graphileThroughput((await freshDatabase("empty")).url, { jobs: TASKS, concurrency: WORKERS, highThroughput: true })),
  engine: async () => {
    await useSwitchyardDb((await freshDatabase("switchyard")).url);
    return fmt.rate(await engineThroughput({ tasks: TASKS, workers: WORKERS, max: 500, mode: "batch" }));
  },
  http: async () => {
    const url = (await freshDatabase("switchyard")).url;
    await useSwitchyardDb(url);
    const server = await benchServer(url, PORT);
    try {
      return fmt.rate(await httpThroughput(server, { tasks: TASKS, workers: WORKERS, max: 250 }));
    } finally {
      await server.stop();
    }
  },
  dag: async () => {
    await useSwitchyardDb((await freshDatabase("switchyard")).url);
    const dag = await dagRun({
      width: Number(process.env.DAG_WIDTH ?? 100),
      depth: Number(process.env.DAG_DEPTH ?? 100),
      workers: WORKERS,
      max: 8,
    });
    return `makespan ${fmt.ms(dag.makespanMs)}, completion p50 ${fmt.ms(percentile(dag.release, 50))} p99 ${fmt.ms(percentile(dag.release, 99))}`;
  },
  plan: async () => {
    await useSwitchyardDb((await freshDatabase("switchyard")).url);
    const times = [await planPersist(100, 100), await planPersist(100, 100), await planPersist(100, 100)];
    return `decompose + persist a 10,000-task plan: ${times.map((t) => fmt.ms(t)).join(", ")}`;
  },
  wal: async () => {
    const { url } = await freshDatabase("switchyard");
    await useSwitchyardDb(url);
    const { total, lines } = await walOfEngineDrain(url, TASKS);
    const shown = lines.filter((l) => l.bytesPerTask >= 5);
    const rows = shown.map(
      (l) =>
        `  ${l.relation.padEnd(36)} ${l.record.padEnd(14)} ${String(l.records).padStart(7)} records ${l.bytesPerTask.toFixed(0).padStart(5)} B/task`,
    );
    return `WAL of the engine drain, ${total.toFixed(0)} bytes per task (lines of 5 B/task or more):\n${rows.join("\n")}`;
  },
  stream: async () => {
    const url = (await freshDatabase("switchyard")).url;
    await useSwitchyardDb(url);
    const server = await benchServer(url, PORT);
    try {
      const s = await streamingOutput(server, url, { agents: WORKERS, linesPerS: 50, seconds: Number(process.env.BENCH_STREAM_S ?? 10) });
      return `${s.reports} reports, server CPU ${(s.cpuShare * 100).toFixed(0)}% of a core, push p50 ${fmt.ms(percentile(s.push, 50))} p95 ${fmt.ms(percentile(s.push, 95))} (${s.push.length} pushes), store ${fmt.bytes(s.storedBytes)} of ${fmt.bytes(s.streamedBytes)} streamed over ${s.attempts} attempts; per report PostgreSQL ${s.dbMsPerReport.toFixed(2)} ms CPU, WAL ${fmt.bytes(s.walBytesPerReport)}`;
    } finally {
      await server.stop();
    }
  },
  memory: async () => {
    const server = await benchServer((await freshDatabase("switchyard")).url, PORT);
    try {
      const mem = await serverMemory(server);
      return `peak RSS ${fmt.bytes(mem.peakBytes)}, decompose ${fmt.ms(mem.decomposeMs)}`;
    } finally {
      await server.stop();
    }
  },
};

try {
  process.env.NEXT_DIST_DIR ??= ".next-bench";
  for (const name of process.argv.slice(2)) {
    const piece = pieces[name];
    if (!piece) throw new Error(`unknown piece ${name}; one of ${Object.keys(pieces).join(", ")}`);
    await quietCluster();
    log(`${name} (load ${loadavg()[0]!.toFixed(1)})`);
    cpuOfLastRun.dbMs = cpuOfLastRun.processMs = cpuOfLastRun.serverMs = cpuOfLastRun.walBytes = NaN;
    const figure = await piece();
    const cpu = Number.isFinite(cpuOfLastRun.dbMs)
      ? ` (CPU per 1,000 tasks: database ${((cpuOfLastRun.dbMs / TASKS) * 1000).toFixed(0)} ms, ${Number.isFinite(cpuOfLastRun.serverMs) ? `server ${((cpuOfLastRun.serverMs / TASKS) * 1000).toFixed(0)} ms, clients` : "process"} ${((cpuOfLastRun.processMs / TASKS) * 1000).toFixed(0)} ms; WAL ${(cpuOfLastRun.walBytes / TASKS).toFixed(0)} bytes per task)`
      : "";
    console.log(`${name}: ${figure}${cpu}`);
  }
} finally {
  await disconnectDb().catch(() => undefined);
  await dropAll();
}
process.exit(0);
