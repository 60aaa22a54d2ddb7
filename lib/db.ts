// The one Prisma client of the process and its pg pool (singletons on globalThis, because
// Next bundles route handlers separately from server.ts and both must share one pool).
// Transactions (`transaction`, which lib/events/record.ts's withEvents wraps) and the reads
// every request makes (`pooled`) run their raw SQL on the pool directly; the rest reads
// through Prisma.
import { createHash } from "node:crypto";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient, Prisma } from "@/lib/generated/prisma/client";
import { env } from "@/lib/env";
import { errorFields, logger } from "@/lib/log";

export type Db = PrismaClient;

/**
 * A transaction's connection: raw SQL only, the same calls as Prisma's (tagged templates
 * or Prisma.sql fragments) with the same value types back (lib/db/rows.ts).
 */
export interface Tx {
  $queryRaw<T = unknown>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<T>;
  $executeRaw(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<number>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}
export type DbOrTx = PrismaClient | Tx;

const holder = globalThis as unknown as { __switchyardPrisma?: PrismaClient };
/** A client's pool, on the client itself: Next's copy of this module must find it too. */
const POOL = Symbol.for("switchyard.pool");
const POOLED = Symbol.for("switchyard.pooled");
type PooledClient = PrismaClient & { [POOL]?: pg.Pool; [POOLED]?: Tx };

export function createPrismaClient(connectionString: string, max = env().DB_POOL_SIZE): PrismaClient {
  // Keep-alive notices a database peer that vanished without a word. (No connection
  // timeout: pg applies it to the wait for a free pool slot too, which under load would
  // turn busy moments into 503s.)
  // Named statements: each connection parses a statement once and keeps it, so PostgreSQL
  // can reuse its plan (see HOT_PATH). The names come from the SQL text, which the
  // code's templates bound (no statement is built from data).
  // Sessions in UTC: Prisma's adapter reads every timestamp's offset as +00:00, whatever it is.
  const pool = new pg.Pool({ connectionString, max, keepAlive: true, options: "-c TimeZone=UTC" });
  // An idle connection the server ended (a restart, an administrator): the pool drops it and connects anew.
  pool.on("error", (error) => logger().warn({ err: errorFields(error) }, "idle database connection lost"));
  const adapter = new PrismaPg(pool, { statementNameGenerator: statementName, disposeExternalPool: true });
  const client: PooledClient = new PrismaClient({ adapter });
  client[POOL] = pool;
  return client;
}

function statementName(query: { sql: string }, prefix = "sy"): string {
  return `${prefix}_${createHash("sha1").update(query.sql).digest("hex").slice(0, 24)}`;
}

/**
 * Values as Prisma's raw queries answer them (pg's own parsers otherwise): int8 as bigint,
 * numeric as Decimal, bytea as Uint8Array, dates as UTC instants — the types this code
 * reads. Others keep pg's parsing, unlike Prisma's: oid as a number, time and money as
 * text, arrays of numeric, timestamp, date or bytea as pg parses them.
 */
const TYPES = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    switch (oid) {
      case 20: // int8
        return (v: string) => BigInt(v);
      case 1016: // int8[]
        return (v: string) =>
          (pg.types.getTypeParser(1016 as Parameters<typeof pg.types.getTypeParser>[0], "text")(v) as Array<string | null>).map((x) =>
            x === null ? null : BigInt(x),
          );
      case 1700: // numeric
        return (v: string) => new Prisma.Decimal(v);
      case 17: // bytea
        return (v: string) => new Uint8Array(pg.types.getTypeParser(pg.types.builtins.BYTEA, "text")(v) as Buffer);
      case 1082: // date
        return (v: string) => new Date(`${v}T00:00:00Z`);
      case 1114: // timestamp without time zone: UTC, as Prisma reads it
        return (v: string) => new Date(`${v.replace(" ", "T")}Z`);
      default:
        return pg.types.getTypeParser(oid, format);
    }
  },
} as pg.CustomTypesConfig;

function isTemplate(query: TemplateStringsArray | Prisma.Sql): query is TemplateStringsArray {
  return Array.isArray(query);
}

/**
 * Raw SQL as named statements, sent by `send`. The names are the ones Prisma's adapter
 * gives the same text, with `prefix` "sy"; a HOT_PATH transaction's have their own ("sy_h"),
 * because a connection keeps a statement's generic plan under its name whatever the
 * settings it was made with.
 */
class RawSql implements Tx {
  /** Set once the transaction's COMMIT or ROLLBACK is on its way: a statement after it would run outside it. */
  ended = false;

  constructor(
    private readonly send: (query: pg.QueryConfig) => Promise<pg.QueryResult>,
    private readonly prefix = "sy",
  ) {}

  run(sql: { text: string; values: unknown[] }): Promise<pg.QueryResult> {
    if (this.ended) return Promise.reject(new Error("a statement was sent after its transaction ended"));
    return this.send({ name: statementName({ sql: sql.text }, this.prefix), text: sql.text, values: sql.values, types: TYPES });
  }

  private sql(query: TemplateStringsArray | Prisma.Sql, values: unknown[]): Prisma.Sql {
    return isTemplate(query) ? Prisma.sql(query, ...values) : query;
  }

  async $queryRaw<T = unknown>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<T> {
    return (await this.run(this.sql(query, values))).rows as T;
  }

  async $executeRaw(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<number> {
    return (await this.run(this.sql(query, values))).rowCount ?? 0;
  }

  async $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T> {
    return (await this.run({ text: query, values })).rows as T;
  }

  async $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> {
    return (await this.run({ text: query, values })).rowCount ?? 0;
  }
}

/**
 * Raw SQL outside a transaction, each statement on a free connection of the pool, for the
 * reads every request or relay tick makes (an agent's token, the event log): the same calls
 * and value types as db()'s, without Prisma's cost per statement and per row.
 */
export function pooled(): Tx {
  const client = db() as PooledClient;
  return (client[POOLED] ??= new RawSql((query) => poolOf(client).query(query)));
}

/** The pool under a client of createPrismaClient. */
function poolOf(client: PrismaClient): pg.Pool {
  return (client as PooledClient)[POOL]!;
}

/** How long a transaction waits for a free connection before it gives up (as Prisma's maxWait did). */
const CONNECTION_WAIT_MS = 20_000;

async function connection(pool: pg.Pool): Promise<pg.PoolClient> {
  let timer: NodeJS.Timeout | undefined;
  let gaveUp = false;
  const connecting = pool.connect();
  try {
    return await Promise.race([
      connecting,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          gaveUp = true;
          // "timeout exceeded when trying to connect" is what lib/db/unavailable.ts knows as an outage (503).
          reject(new Error(`timeout exceeded when trying to connect: no free connection within ${CONNECTION_WAIT_MS} ms`));
        }, CONNECTION_WAIT_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (gaveUp) void connecting.then((c) => c.release()).catch(() => undefined);
  }
}

export interface TransactionOptions {
  /** A pull's or a completion's transaction: generic plans by key (see below), set with BEGIN in one round trip. */
  hotPath?: boolean;
}

/** The settings of a HOT_PATH transaction (see HOT_PATH), as a SELECT's list. */
export const HOT_PATH_SETTINGS =
  "set_config('plan_cache_mode', 'force_generic_plan', true), set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)";
const BEGIN_HOT = `BEGIN; SELECT ${HOT_PATH_SETTINGS}`;

/**
 * Runs `fn` in one transaction on a connection of the pool: commits when it resolves, rolls
 * back when it throws. There is no time limit (Prisma's transactions had one of 60 s): a
 * statement waits on a lock until it is granted or PostgreSQL breaks a deadlock.
 */
export async function transaction<T>(fn: (tx: Tx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  const client = await connection(poolOf(db()));
  let broken: Error | undefined;
  // While checked out, the connection's errors (the server restarting, the session ended)
  // are this transaction's: its statements fail with them, and the connection is dropped.
  // Without a listener pg would raise them as an uncaught exception.
  const onError = (error: Error) => (broken ??= error);
  client.on("error", onError);
  const tx = new RawSql((query) => client.query(query), options.hotPath ? "sy_h" : "sy");
  try {
    await client.query(options.hotPath ? BEGIN_HOT : "BEGIN");
    const value = await fn(tx);
    tx.ended = true;
    await client.query("COMMIT");
    return value;
  } catch (error) {
    tx.ended = true;
    await client.query("ROLLBACK").catch((e: Error) => (broken ??= e));
    throw error;
  } finally {
    client.off("error", onError);
    client.release(broken);
  }
}

/**
 * HOT_PATH: the transaction plans its statements once per connection (generic plans)
 * instead of at every call, and by key. For the scheduler's hot path (a pull, a completion):
 * small statements run thousands of times a second, and planning them was half of
 * PostgreSQL's CPU in the 100×100 DAG (3.4 s of 6.5 s). Their plans do not depend on the
 * values: ids by primary key, the ready queue read in index order.
 *
 * A generic plan is made once, from the statistics of that moment, and kept for the
 * connection's life (until an ANALYZE). A table that was nearly empty then — `attempts` when
 * a database is new — would be scanned whole at every call, however large it grew: the
 * completion's attempt update did so, 85% of the DAG's completions scanning every attempt.
 * Every row the hot path touches is reached by a key, so sequential scans are priced out;
 * and JIT is off: a priced-out scan lifts a plan's cost over jit_above_cost, and compiling
 * the events' insert of a 500-task pull took 350 ms where running it takes 3.
 * lib/db/generic-plans.test.ts holds the claim and the completion to their indexes.
 * Elsewhere PostgreSQL keeps choosing per call.
 */
export const HOT_PATH: TransactionOptions = { hotPath: true };

export function db(): PrismaClient {
  if (!holder.__switchyardPrisma) {
    const url = env().DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set (server.ts starts the embedded database and sets it)");
    holder.__switchyardPrisma = createPrismaClient(url);
  }
  return holder.__switchyardPrisma;
}

export async function disconnectDb(): Promise<void> {
  const client = holder.__switchyardPrisma;
  holder.__switchyardPrisma = undefined;
  await client?.$disconnect();
}

export { Prisma };
