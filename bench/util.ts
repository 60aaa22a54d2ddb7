// Shared helpers of the benchmark: throwaway databases, timing, percentiles, the table.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { migrateDatabase } from "@/lib/db/migrate";
import { adminUrl, createDatabase, databaseUrl, dropDatabase, randomDatabaseName } from "@/lib/testing/database";
import { disconnectDb } from "@/lib/db";
import { resetEnv } from "@/lib/env";
import type { RunningServer } from "@/lib/testing/server";
import type { Browser } from "@playwright/test";

export const now = () => performance.now();
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const created: string[] = [];
let template: string | undefined;

/** An empty database (for the other queues) or a migrated Switchyard one. */
export async function freshDatabase(kind: "empty" | "switchyard"): Promise<{ name: string; url: string }> {
  if (kind === "switchyard" && !template) {
    template = randomDatabaseName("sy_bench_tpl");
    await createDatabase(template);
    created.push(template);
    await migrateDatabase(databaseUrl(template));
  }
  const name = randomDatabaseName("sy_bench");
  await createDatabase(name, kind === "switchyard" ? template : undefined);
  created.push(name);
  return { name, url: databaseUrl(name) };
}

/**
 * Before a drain: drop the databases of the pieces before it (their dead rows would be
 * vacuumed beside the drain, on the same cores) and checkpoint, so that every drain starts
 * on the same quiet cluster, whatever ran before it.
 */
export async function quietCluster(): Promise<void> {
  await disconnectDb();
  for (const name of [...created].reverse()) {
    if (name === template) continue;
    await dropDatabase(name);
    created.splice(created.indexOf(name), 1);
  }
  // Needs a superuser (or pg_checkpoint): without one, the drains start where they are.
  await withPg(adminUrl(), (c) => c.query("CHECKPOINT")).catch(() => undefined);
}

export async function dropAll(): Promise<void> {
  for (const name of created.reverse()) await dropDatabase(name).catch(() => undefined);
  created.length = 0;
}

/** Points this process's Switchyard client (lib/db) at `url`. */
export async function useSwitchyardDb(url: string, poolSize = Number(process.env.BENCH_POOL ?? 16)): Promise<void> {
  await disconnectDb();
  process.env.DATABASE_URL = url;
  process.env.DB_POOL_SIZE = String(poolSize);
  resetEnv();
}

export async function withPg<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Polls `check` until it is true; returns the time (performance.now) it first was. */
export async function until(check: () => Promise<boolean>, intervalMs = 10, timeoutMs = 300_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return now();
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await sleep(intervalMs);
  }
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export interface Row {
  figure: string;
  value: string;
  target: string;
  met: "yes" | "no" | "—";
}

export function printTable(rows: Row[]): void {
  const headers = ["figure", "value", "target", "met?"];
  const cells = rows.map((r) => [r.figure, r.value, r.target, r.met]);
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((s, i) => s.padEnd(widths[i]!)).join(" | ")} |`;
  console.log(line(headers));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const c of cells) console.log(line(c));
}

export const fmt = {
  rate: (n: number) => `${Math.round(n).toLocaleString("en-US")} tasks/s`,
  ms: (n: number) => (Number.isFinite(n) ? `${n < 10 ? n.toFixed(2) : n.toFixed(0)} ms` : "n/a"),
  bytes: (n: number) => (n > 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${(n / 1024).toFixed(1)} KiB`),
  ratio: (n: number) => `${n.toFixed(2)}×`,
};

export function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/**
 * CPU time (ms) used so far by this machine's PostgreSQL backends connected to the
 * database of `url` (Linux /proc; 0 elsewhere): with the run's own process CPU, what a
 * piece costs regardless of how loaded the machine is.
 */
export async function backendCpuMs(url: string): Promise<number> {
  const name = new URL(url).pathname.slice(1);
  const pids = await withPg(url, async (c) =>
    (await c.query("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [name])).rows.map(
      (r) => r.pid as number,
    ),
  );
  let ms = 0;
  for (const pid of pids) {
    try {
      ms += processCpuMs(pid);
    } catch {
      // the backend exited meanwhile
    }
  }
  return ms;
}

/** The CPU the last drain cost: PostgreSQL's backends, this process, and (over HTTP) the server process. */
export const cpuOfLastRun: { dbMs: number; processMs: number; serverMs: number; walBytes: number } = {
  dbMs: NaN,
  processMs: NaN,
  serverMs: NaN,
  walBytes: NaN,
};

/**
 * Where the cluster's WAL insert position stands: as an LSN (for pg_walinspect) and in
 * bytes. The bench runs alone, so a drain's difference is its own writes (autovacuum
 * aside): unlike CPU time, about the same from run to run on a busy machine, which makes
 * it the figure to compare a change to the hot path's writes by.
 */
export async function walPosition(url: string): Promise<{ lsn: string; bytes: number }> {
  return withPg(url, async (c) => {
    const row = (await c.query("SELECT l::text AS lsn, pg_wal_lsn_diff(l, '0/0')::text AS bytes FROM pg_current_wal_insert_lsn() AS l"))
      .rows[0];
    return { lsn: row.lsn as string, bytes: Number(row.bytes) };
  });
}

/** A process's CPU so far (utime + stime, in clock ticks of 100 Hz on Linux), in ms. */
export function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return ((Number(fields[11]) + Number(fields[12])) / 100) * 1000;
}

/**
 * A JSON call to a Switchyard server: POST with a body, GET without one. A 429 is retried
 * after its Retry-After (the agents of a bench share one address); any other failure throws.
 */
export async function call<T>(url: string, body?: unknown, token?: string): Promise<T> {
  for (;;) {
    const res = await fetch(url, {
      method: body === undefined ? "GET" : "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status === 429) {
      await sleep(Number(res.headers.get("retry-after") ?? "1") * 1000);
      continue;
    }
    if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }
}

export interface BenchAgent {
  agent_id: string;
  token: string;
}

/** Registers `count` agents over HTTP at once, named `${prefix}0`, `${prefix}1`, …. */
export function registerAgents(
  baseUrl: string,
  count: number,
  options: { prefix: string; skills: string[]; capacity: number },
): Promise<BenchAgent[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      call<BenchAgent>(`${baseUrl}/api/orchestration/register`, {
        name: count === 1 ? options.prefix : `${options.prefix}${i}`,
        skills: options.skills,
        capacity: options.capacity,
      }),
    ),
  );
}

/**
 * The browser benches' frame: a fresh migrated database, a production server on it
 * (`NEXT_DIST_DIR` picks the build) and Chromium; all three are gone afterwards.
 */
export async function withServerAndBrowser<T>(
  options: { databasePrefix: string; port: number; env?: Record<string, string> },
  run: (setup: { server: RunningServer; browser: Browser; databaseUrl: string }) => Promise<T>,
): Promise<T> {
  const { chromium } = await import("@playwright/test");
  const { startServer } = await import("@/lib/testing/server");
  const name = randomDatabaseName(options.databasePrefix);
  await createDatabase(name);
  try {
    await migrateDatabase(databaseUrl(name));
    const server = await startServer({ databaseUrl: databaseUrl(name), port: options.port, env: options.env });
    try {
      const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" });
      try {
        return await run({ server, browser, databaseUrl: databaseUrl(name) });
      } finally {
        await browser.close();
      }
    } finally {
      await server.stop();
    }
  } finally {
    await dropDatabase(name);
  }
}
