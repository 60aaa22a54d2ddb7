// npm run bench: Switchyard beside graphile-worker and pg-boss on the same PostgreSQL, in
// the same run, then Switchyard's own figures. Prints one table (figure, value, target,
// met?) on stdout; progress goes to stderr. Every database it makes is dropped at the end.
//
// Needs PostgreSQL at TEST_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test,
// used only to create and drop the bench databases) and a production build of the app
// in NEXT_DIST_DIR (default .next-bench; built here when missing).
// BENCH_PORT (default 4400) is the port the server processes use, one after the other.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import { disconnectDb } from "@/lib/db";
import { cpuOfLastRun, dropAll, fmt, freshDatabase, log, percentile, printTable, quietCluster, useSwitchyardDb, type Row } from "./util";
import { graphileThroughput, pgBossThroughput } from "./queues";
import { dagRun, engineThroughput, planPersist, tensorBuild, tensorSetup } from "./engine";
import { benchServer, httpThroughput, pushLatency, serverMemory, tensorServe } from "./http";
import { streamingOutput } from "./stream";
import { rateLimitRows } from "./rate-limit";
import { bulkRetryBench, goalListBench } from "./steer";

const TASKS = Number(process.env.BENCH_TASKS ?? 20_000);
/** How many interleaved rounds of the four compared drains (BENCH_ROUNDS). */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const WORKERS = 32;
const PORT = Number(process.env.BENCH_PORT ?? 4400);
const started = Date.now();
const loadAtStart = loadavg()[0]!;

function ensureBuild(): void {
  process.env.NEXT_DIST_DIR ??= ".next-bench";
  delete process.env.SWITCHYARD_OPERATOR_TOKEN;
  const buildId = path.join(process.cwd(), process.env.NEXT_DIST_DIR, "BUILD_ID");
  if (existsSync(buildId)) return;
  log(`no production build in ${process.env.NEXT_DIST_DIR}: running next build (a few minutes)`);
  execFileSync("npx", ["next", "build"], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
}

const met = (ok: boolean): Row["met"] => (ok ? "yes" : "no");

/** One drain: its rate and what it cost (cpuOfLastRun, as the drain left it). */
interface Drain {
  rate: number;
  cpu: typeof cpuOfLastRun;
}

const drained = (rate: number): Drain => ({ rate, cpu: { ...cpuOfLastRun } });

/** Issue 10's rows (BENCH_ONLY=steer runs just these, in-process, without a build). */
async function steerRows(): Promise<Row[]> {
  log("goal list with 10,000 goals");
  await useSwitchyardDb((await freshDatabase("switchyard")).url);
  const rows = await goalListBench(10_000);
  log("bulk retry of 1,000 failed tasks beside other goals' agents");
  await useSwitchyardDb((await freshDatabase("switchyard")).url, 24);
  rows.push(...(await bulkRetryBench(1_000, 8)));
  return rows;
}

async function main() {
  if (process.env.BENCH_ONLY === "steer") {
    printTable(await steerRows());
    return;
  }
  ensureBuild();
  const rows: Row[] = [];
  const rates = { pgBoss: NaN, enginePerTask: NaN };

  // --- Throughput: the same 20,000 no-op tasks, 32 workers, five ways. The four compared
  // drains run in ROUNDS interleaved rounds (each on a quiet cluster), and each figure is
  // the median of its rounds; a ratio is the median of the rounds' own ratios, each taken
  // between drains a minute apart. On a shared machine one round moves by a quarter.
  const drains: Record<"graphileDefault" | "graphileFast" | "engine" | "http", Drain[]> = {
    graphileDefault: [],
    graphileFast: [],
    engine: [],
    http: [],
  };
  let push: number[] | undefined;
  for (let round = 1; round <= ROUNDS; round++) {
    const of = `round ${round} of ${ROUNDS}`;
    await quietCluster();
    log(`${of}: graphile-worker defaults: ${TASKS} jobs, concurrency ${WORKERS}`);
    drains.graphileDefault.push(
      drained(await graphileThroughput((await freshDatabase("empty")).url, { jobs: TASKS, concurrency: WORKERS, highThroughput: false })),
    );
    await quietCluster();
    log(`${of}: graphile-worker high-throughput (localQueue.size 500, completeJobBatchDelay 0)`);
    drains.graphileFast.push(
      drained(await graphileThroughput((await freshDatabase("empty")).url, { jobs: TASKS, concurrency: WORKERS, highThroughput: true })),
    );
    await quietCluster();
    log(`${of}: Switchyard engine in-process: ${WORKERS} agents pulling 500, batched completion`);
    await useSwitchyardDb((await freshDatabase("switchyard")).url);
    drains.engine.push(drained(await engineThroughput({ tasks: TASKS, workers: WORKERS, max: 500, mode: "batch" })));
    await quietCluster();
    log(`${of}: Switchyard over HTTP: a real server process, ${WORKERS} agent clients (assign max 250 + complete-batch)`);
    const httpDb = (await freshDatabase("switchyard")).url;
    await useSwitchyardDb(httpDb);
    const server = await benchServer(httpDb, PORT);
    try {
      drains.http.push(drained(await httpThroughput(server, { tasks: TASKS, workers: WORKERS, max: 250 })));
      if (round === ROUNDS) {
        log("live push latency: 200 commits → socket.io client");
        push = await pushLatency(server, 200);
      }
    } finally {
      await server.stop();
    }
  }
  await quietCluster();
  log(`pg-boss: ${WORKERS} workers, batchSize 100`);
  rates.pgBoss = await pgBossThroughput((await freshDatabase("empty")).url, { jobs: TASKS, workers: WORKERS, batchSize: 100 });
  const before = Math.min(2_000, TASKS);
  await quietCluster();
  log(`Switchyard engine in-process, one transaction per completion (the path before batching): ${before} tasks`);
  await useSwitchyardDb((await freshDatabase("switchyard")).url);
  rates.enginePerTask = await engineThroughput({ tasks: before, workers: WORKERS, max: Math.ceil(before / WORKERS), mode: "single" });

  const median = (xs: number[]) => percentile(xs, 50);
  const rateOf = (d: Drain[]) => median(d.map((x) => x.rate));
  /** The median of the rounds' own ratios, and each round's. */
  const ratioOf = (a: Drain[], b: Drain[]) => {
    const each = a.map((x, i) => x.rate / b[i]!.rate);
    return { median: median(each), each };
  };
  const cpuOf = (d: Drain[]) => ({
    dbMs: median(d.map((x) => x.cpu.dbMs)),
    processMs: median(d.map((x) => x.cpu.processMs)),
    serverMs: median(d.map((x) => x.cpu.serverMs)),
    walBytes: median(d.map((x) => x.cpu.walBytes)),
  });
  const g = rateOf(drains.graphileDefault),
    gf = rateOf(drains.graphileFast);
  const engineVsFast = ratioOf(drains.engine, drains.graphileFast);
  const httpVsDefault = ratioOf(drains.http, drains.graphileDefault);
  const rounds = (r: { each: number[] }) => (ROUNDS > 1 ? ` (rounds: ${r.each.map((x) => fmt.ratio(x)).join(", ")})` : "");
  rows.push({ figure: "graphile-worker 0.17, defaults (32 workers)", value: fmt.rate(g), target: "reference", met: "—" });
  rows.push({ figure: "graphile-worker, localQueue 500 + completeJobBatchDelay 0", value: fmt.rate(gf), target: "reference", met: "—" });
  rows.push({ figure: "pg-boss 10, 32 workers × batchSize 100", value: fmt.rate(rates.pgBoss), target: "reference", met: "—" });
  rows.push({
    figure: "Switchyard engine in-process (pull 500, completeTasks)",
    value: fmt.rate(rateOf(drains.engine)),
    target: "≥ 1.0× graphile high-throughput",
    met: met(engineVsFast.median >= 1),
  });
  rows.push({
    figure: "  ratio engine / graphile high-throughput",
    value: fmt.ratio(engineVsFast.median) + rounds(engineVsFast),
    target: "≥ 1.00×",
    met: met(engineVsFast.median >= 1),
  });
  rows.push({ figure: "  ratio engine / graphile defaults", value: fmt.ratio(rateOf(drains.engine) / g), target: "—", met: "—" });
  rows.push({ figure: "  ratio engine / pg-boss", value: fmt.ratio(rateOf(drains.engine) / rates.pgBoss), target: "—", met: "—" });
  const perThousand = (c: { dbMs: number; processMs: number; walBytes: number }) =>
    `${((c.dbMs / TASKS) * 1000).toFixed(0)} ms PostgreSQL + ${((c.processMs / TASKS) * 1000).toFixed(0)} ms process; WAL ${(c.walBytes / TASKS).toFixed(0)} B/task`;
  rows.push({
    figure: "  CPU per 1,000 tasks: graphile high-throughput",
    value: perThousand(cpuOf(drains.graphileFast)),
    target: "—",
    met: "—",
  });
  rows.push({ figure: "  CPU per 1,000 tasks: Switchyard engine", value: perThousand(cpuOf(drains.engine)), target: "—", met: "—" });
  rows.push({
    figure: `Switchyard engine, completeTask per task (before; ${before} tasks)`,
    value: fmt.rate(rates.enginePerTask),
    target: "—",
    met: "—",
  });
  rows.push({
    figure: "Switchyard HTTP, real server, 32 agents (assign 250 + complete-batch)",
    value: fmt.rate(rateOf(drains.http)),
    target: "≥ 2.0× graphile defaults",
    met: met(httpVsDefault.median >= 2),
  });
  rows.push({
    figure: "  ratio HTTP / graphile defaults",
    value: fmt.ratio(httpVsDefault.median) + rounds(httpVsDefault),
    target: "≥ 2.00×",
    met: met(httpVsDefault.median >= 2),
  });
  rows.push({ figure: "  ratio HTTP / graphile high-throughput", value: fmt.ratio(rateOf(drains.http) / gf), target: "—", met: "—" });
  const ms = (x: number) => `${((x / TASKS) * 1000).toFixed(0)} ms`;
  const httpCpu = cpuOf(drains.http);
  rows.push({
    figure: "  CPU per 1,000 tasks: Switchyard HTTP",
    value: `${ms(httpCpu.dbMs)} PostgreSQL + ${ms(httpCpu.serverMs)} server + ${ms(httpCpu.processMs)} clients; WAL ${(httpCpu.walBytes / TASKS).toFixed(0)} B/task`,
    target: "—",
    met: "—",
  });

  // --- The layered DAG.
  log("layered DAG: 100 wide × 100 deep, 32 agents");
  await useSwitchyardDb((await freshDatabase("switchyard")).url);
  const dag = await dagRun({ width: 100, depth: 100, workers: WORKERS, max: 8 });
  rows.push({ figure: "DAG 100×100 (10,000 tasks), 32 agents: makespan", value: fmt.ms(dag.makespanMs), target: "—", met: "—" });
  // The child is made ready inside the parent's completing transaction: it is assignable
  // the moment that commit is visible, so commit → assignable is zero by construction.
  // What an agent actually waits is the completion call itself (its report → the commit
  // that releases the child, under 32 agents' contention) and the next pull.
  rows.push({
    figure: "  dependency release, last parent's commit → child assignable",
    value: "0 ms (same transaction)",
    target: "p99 < 10 ms",
    met: "yes",
  });
  const p99 = percentile(dag.release, 99);
  rows.push({
    figure: "  completion call, report → commit with child ready p50 / p99",
    value: `${fmt.ms(percentile(dag.release, 50))} / ${fmt.ms(p99)}`,
    target: "p99 < 50 ms",
    met: met(p99 < 50),
  });
  rows.push({
    figure: "  child ready (commit) → held by an agent p50 / p99",
    value: `${fmt.ms(percentile(dag.pickup, 50))} / ${fmt.ms(percentile(dag.pickup, 99))}`,
    target: "—",
    met: "—",
  });

  // --- A 10,000-task explicit plan.
  log("decompose + persist a 10,000-task plan (median of 3)");
  await useSwitchyardDb((await freshDatabase("switchyard")).url);
  const planTimes = [await planPersist(100, 100), await planPersist(100, 100), await planPersist(100, 100)];
  const planMs = percentile(planTimes, 50);
  rows.push({
    figure: "decompose + persist 10,000-task plan (19,800 edges), in-process",
    value: fmt.ms(planMs),
    target: "< 1 s",
    met: met(planMs < 1000),
  });

  // --- The tensor.
  log("tensor: 5,000 tasks × 200 agents");
  const tensorDb = (await freshDatabase("switchyard")).url;
  await useSwitchyardDb(tensorDb);
  await tensorSetup(5_000, 200);
  const buildMs = await tensorBuild(3);
  const tensorServer = await benchServer(tensorDb, PORT);
  let served;
  try {
    served = await tensorServe(tensorServer, 3);
  } finally {
    await tensorServer.stop();
  }
  rows.push({
    figure: "tensor 5,000×200: load + build in-process, sparse / Float32",
    value: `${fmt.ms(buildMs.sparseMs)} / ${fmt.ms(buildMs.float32Ms)}`,
    target: "—",
    met: "—",
  });
  for (const format of ["binary", "sparse", "dense"] as const) {
    const s = served[format];
    rows.push({
      figure: `  GET tensor ${format} (build + serve)`,
      value: `${fmt.ms(s.ms)}, ${fmt.bytes(s.bytes)}`,
      target: format === "binary" ? "< 300 ms" : "—",
      met: format === "binary" ? met(s.ms < 300) : "—",
    });
  }

  // --- Live push.
  if (push) {
    const p95 = percentile(push, 95);
    rows.push({
      figure: "live push, commit → socket.io client p50 / p95",
      value: `${fmt.ms(percentile(push, 50))} / ${fmt.ms(p95)}`,
      target: "p95 < 50 ms",
      met: met(p95 < 50),
    });
  } else {
    rows.push({
      figure: "live push, commit → socket.io client p50 / p95",
      value: "n/a (relay not landed)",
      target: "p95 < 50 ms",
      met: "—",
    });
  }

  // --- Issue 9: 32 agents streaming output while their tasks run.
  log("streaming output: 32 agents × 50 lines/s for 10 s");
  const streamDb = (await freshDatabase("switchyard")).url;
  await useSwitchyardDb(streamDb);
  const streamServer = await benchServer(streamDb, PORT + 1);
  try {
    const s = await streamingOutput(streamServer, streamDb, { agents: WORKERS, linesPerS: 50, seconds: 10 });
    const p95 = percentile(s.push, 95);
    rows.push({
      figure: "streaming: 32 agents × 50 lines/s, server CPU (share of one core)",
      value: `${(s.cpuShare * 100).toFixed(0)}% (${s.reports} reports)`,
      target: "—",
      met: "—",
    });
    rows.push({
      figure: "  progress push, report sent → socket.io client p50 / p95",
      value: `${fmt.ms(percentile(s.push, 50))} / ${fmt.ms(p95)}`,
      target: "p95 < 100 ms",
      met: met(p95 < 100),
    });
    const bound = s.attempts * 256 * 1024;
    rows.push({
      figure: "  output store size (256 KiB per attempt)",
      value: `${fmt.bytes(s.storedBytes)} of ${fmt.bytes(s.streamedBytes)} streamed`,
      target: `≤ ${fmt.bytes(bound)}`,
      met: met(s.storedBytes <= bound),
    });
    rows.push({
      figure: "  per report (a full 256 KiB tail): PostgreSQL CPU, WAL",
      value: `${s.dbMsPerReport.toFixed(2)} ms, ${fmt.bytes(s.walBytesPerReport)}`,
      target: "—",
      met: "—",
    });
  } finally {
    await streamServer.stop();
  }

  // --- Memory.
  log("server memory: 500 agents, 10,000 tasks");
  const memDb = (await freshDatabase("switchyard")).url;
  const memServer = await benchServer(memDb, PORT);
  try {
    const mem = await serverMemory(memServer);
    rows.push({ figure: "decompose 10,000-task plan over HTTP", value: fmt.ms(mem.decomposeMs), target: "—", met: "—" });
    rows.push({
      figure: "peak server RSS, 500 agents + 10,000 tasks",
      value: fmt.bytes(mem.peakBytes),
      target: "< 250 MiB",
      met: met(mem.peakBytes < 250 * 1024 * 1024),
    });
  } finally {
    await memServer.stop();
  }

  rows.push(...(await rateLimitRows()));
  rows.push(...(await steerRows()));

  console.log(
    `\nSwitchyard bench (${TASKS.toLocaleString("en-US")} tasks, ${WORKERS} workers, drains: median of ${ROUNDS} rounds, PostgreSQL on this machine, ${Math.round((Date.now() - started) / 1000)} s; ` +
      `load average ${loadAtStart.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at end: compare the ratios, not the absolute figures)\n`,
  );
  printTable(rows);
}

try {
  await main();
} finally {
  await disconnectDb().catch(() => undefined);
  await dropAll();
}
process.exit(0);
