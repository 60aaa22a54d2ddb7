// The queues Switchyard is compared with, on the same PostgreSQL in the same run:
// graphile-worker 0.17 (defaults, and its high-throughput settings) and pg-boss 10.
import { makeWorkerUtils, run, runMigrations, type Logger } from "graphile-worker";
import { Logger as GraphileLogger } from "graphile-worker";
import pg from "pg";
import PgBoss from "pg-boss";
import { backendCpuMs, cpuOfLastRun, now, sleep, until, walPosition, withPg } from "./util";

const silent: Logger = new GraphileLogger(() => () => undefined);

/** N no-op jobs drained by `concurrency` workers; timed from runner start to the last job gone. */
export async function graphileThroughput(
  url: string,
  options: { jobs: number; concurrency: number; highThroughput: boolean },
): Promise<number> {
  await runMigrations({ connectionString: url, logger: silent });
  const utils = await makeWorkerUtils({ connectionString: url, logger: silent });
  for (let i = 0; i < options.jobs; i += 5000) {
    await utils.addJobs(Array.from({ length: Math.min(5000, options.jobs - i) }, () => ({ identifier: "noop", payload: {} })));
  }
  await utils.release();
  let handled = 0;
  const wal0 = (await walPosition(url)).bytes;
  const start = now();
  const cpu0 = process.cpuUsage();
  // The pool graphile-worker would make (maxPoolSize 10), but ours, ended before the next
  // piece drops this database: the runner's own ends after stop() has returned.
  const pgPool = new pg.Pool({ connectionString: url, max: 10 });
  pgPool.on("error", () => undefined);
  pgPool.on("connect", (client) => client.on("error", () => undefined));
  const runner = await run({
    pgPool,
    concurrency: options.concurrency,
    noHandleSignals: true,
    logger: silent,
    taskList: {
      noop: async () => {
        handled++;
      },
    },
    preset: options.highThroughput ? { worker: { localQueue: { size: 500 }, completeJobBatchDelay: 0 } } : undefined,
  });
  while (handled < options.jobs) await sleep(5);
  // Completions may still be in flight (batched): done when the table is empty.
  const end = await withPg(url, (c) =>
    until(async () => (await c.query("SELECT count(*)::int AS n FROM graphile_worker._private_jobs")).rows[0].n === 0, 5),
  );
  const cpu = process.cpuUsage(cpu0);
  cpuOfLastRun.processMs = (cpu.user + cpu.system) / 1000;
  cpuOfLastRun.dbMs = await backendCpuMs(url);
  cpuOfLastRun.walBytes = (await walPosition(url)).bytes - wal0;
  await runner.stop();
  await pgPool.end();
  return options.jobs / ((end - start) / 1000);
}

export async function pgBossThroughput(url: string, options: { jobs: number; workers: number; batchSize: number }): Promise<number> {
  const boss = new PgBoss({ connectionString: url });
  boss.on("error", () => undefined);
  await boss.start();
  await boss.createQueue("noop");
  for (let i = 0; i < options.jobs; i += 5000) {
    await boss.insert(Array.from({ length: Math.min(5000, options.jobs - i) }, () => ({ name: "noop", data: {} })));
  }
  let handled = 0;
  const start = now();
  for (let w = 0; w < options.workers; w++) {
    await boss.work("noop", { batchSize: options.batchSize }, async (jobs) => {
      handled += jobs.length;
    });
  }
  while (handled < options.jobs) await sleep(5);
  const end = await withPg(url, (c) =>
    until(
      async () =>
        (await c.query("SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'noop' AND state = 'completed'")).rows[0].n >= options.jobs,
      10,
    ),
  );
  await boss.stop({ graceful: false, wait: true, timeout: 5000 }).catch(() => undefined);
  return options.jobs / ((end - start) / 1000);
}
