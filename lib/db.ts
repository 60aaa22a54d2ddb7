// The one Prisma client of the process and its pg pool (singletons on globalThis, because
// Next bundles route handlers separately from server.ts and both must share one pool).
// Transactions (`transaction`, which lib/events/record.ts's withEvents wraps) and the reads
// every request makes (`pooled`) run their raw SQL on the pool directly; the rest reads
// through Prisma.
import { createHash } from "node:crypto";
import pg from "pg";
import { prepareValue } from "pg/lib/utils";
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
      case 1184: // timestamptz
        return parseTimestamptz;
      default:
        return pg.types.getTypeParser(oid, format);
    }
  },
} as pg.CustomTypesConfig;

const UTC_TIMESTAMPTZ = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?\+00$/;
const pgTimestamptz = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ, "text") as (v: string) => Date;

/**
 * A timestamptz as sessions here send it (in UTC: "2026-12-06 23:36:53.523456+00") read as
 * ISO 8601, which the engine parses natively (a pull's rows carry several: pg's general
 * parser was a few per cent of a busy server's time); anything else goes to pg's.
 */
export function parseTimestamptz(v: string): Date {
  return UTC_TIMESTAMPTZ.test(v) ? new Date(`${v.slice(0, 10)}T${v.slice(11, -3)}Z`) : pgTimestamptz(v);
}

function isTemplate(query: TemplateStringsArray | Prisma.Sql): query is TemplateStringsArray {
  return Array.isArray(query);
}

/** Raw SQL, each statement sent by `send` (on a pool: named statements; in a transaction: its Session). */
class RawSql implements Tx {
  /** Set once the transaction's COMMIT or ROLLBACK is on its way: a statement after it would run outside it. */
  ended = false;

  constructor(private readonly send: (sql: { text: string; values: unknown[] }) => Promise<pg.QueryResult>) {}

  run(sql: { text: string; values: unknown[] }): Promise<pg.QueryResult> {
    if (this.ended) return Promise.reject(new Error("a statement was sent after its transaction ended"));
    return this.send(sql);
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
  return (client[POOLED] ??= new RawSql((sql) =>
    poolOf(client).query({ name: statementName({ sql: sql.text }), text: sql.text, values: sql.values, types: TYPES }),
  ));
}

/** The pool under a client of createPrismaClient. */
function poolOf(client: PrismaClient): pg.Pool {
  return (client as PooledClient)[POOL]!;
}

/** How long a transaction waits for a free connection before it gives up (as Prisma's maxWait did). */
const CONNECTION_WAIT_MS = 20_000;

async function connection(pool: pg.Pool): Promise<pg.PoolClient> {
  let gaveUp = false;
  const connecting = pool.connect();
  try {
    return await within(connecting, CONNECTION_WAIT_MS, () => {
      gaveUp = true;
      // "timeout exceeded when trying to connect" is what lib/db/unavailable.ts knows as an outage (503).
      throw new Error(`timeout exceeded when trying to connect: no free connection within ${CONNECTION_WAIT_MS} ms`);
    });
  } finally {
    if (gaveUp) void connecting.then((c) => c.release()).catch(() => undefined);
  }
}

/** `promise`, or what `late` answers (or throws) once `ms` have passed without it settling. */
async function within<T>(promise: Promise<T>, ms: number, late: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<T>((resolve, reject) => {
        timer = setTimeout(() => {
          try {
            resolve(late());
          } catch (error) {
            reject(error as Error);
          }
        }, ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export interface TransactionOptions {
  /** A pull's or a completion's transaction: generic plans by key (see below), set with BEGIN in one round trip. */
  hotPath?: boolean;
  /** A read of several statements that must agree: one snapshot for all (REPEATABLE READ, READ ONLY). */
  snapshot?: boolean;
  /**
   * The transaction's last statement, asked for once `fn` has resolved (lib/events/record.ts:
   * the events it emitted): sent with COMMIT in one round trip.
   */
  commitWith?: () => LastStatement | undefined;
}

export interface LastStatement {
  sql: Prisma.Sql;
  /** Its rows, once the transaction has committed. */
  answer?: (rows: unknown[]) => void;
}

/** The settings of a HOT_PATH transaction (see HOT_PATH), as a SELECT's list. */
export const HOT_PATH_SETTINGS =
  "set_config('plan_cache_mode', 'force_generic_plan', true), set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)";
const BEGIN_HOT = `BEGIN; SELECT ${HOT_PATH_SETTINGS}`;

/** What PREPARE can take: one statement (no `;` anywhere, so no second command rides along) of these kinds. */
const PREPARABLE = /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH|VALUES)\b[^;]*$/i;

/** Per connection: the statements PREPAREd on it in SQL (see Session); Symbol.for, as Next's copy of this module shares the pool. */
const PREPARED = Symbol.for("switchyard.prepared");
type SessionClient = pg.PoolClient & { [PREPARED]?: Set<string> };

/**
 * A statement parameter as an SQL literal: the text pg would send for it in a Bind, quoted
 * (the E'' form when it holds a backslash, as pg's escapeLiteral). Undefined for what has no
 * text form (bytes, which pg sends as binary) or cannot be in a query's text (NUL).
 */
export function sqlLiteral(value: unknown): string | undefined {
  const text = prepareValue(value);
  if (text === null) return "NULL";
  if (typeof text !== "string" || text.includes("\u0000")) return undefined;
  return text.includes("\\") ? ` E'${text.replace(/\\/g, "\\\\").replace(/'/g, "''")}'` : `'${text.replace(/'/g, "''")}'`;
}

/**
 * One transaction's connection. Its last statement goes out with COMMIT and, on the hot
 * path, its first with BEGIN, each pair in one round trip: a pull or a completion otherwise
 * spent two of its six round trips on them, and under load each round trip waits its turn on the event loop and
 * on PostgreSQL. Such a pair is a simple query (several statements in one message), which
 * takes no parameters: the statement is PREPAREd on the connection in SQL (once; it keeps
 * its plan as a named statement does) and run with EXECUTE, its parameters written as
 * literals. Statements between the two, and any whose values have no literal, are named
 * statements as elsewhere.
 */
class Session {
  /** BEGIN has been sent (ROLLBACK is then owed when anything fails). */
  begun = false;
  /** A message failed: what the connection has prepared is then unsure (see recover). */
  failed = false;
  constructor(
    readonly client: SessionClient,
    private readonly hot: boolean,
    private readonly snapshot = false,
  ) {}

  private send(config: string | pg.QueryConfig): Promise<pg.QueryResult> {
    const answer = this.client.query(config as pg.QueryConfig);
    answer.catch(() => (this.failed = true));
    return answer;
  }

  private get prepared(): Set<string> {
    return this.client[PREPARED]!;
  }

  /**
   * A connection new to us is asked what it has prepared: the embedded database (one
   * backend behind its socket) keeps what an earlier connection prepared.
   */
  async open(): Promise<void> {
    if (!this.client[PREPARED]) await this.recover();
  }

  private get begin(): string {
    if (this.snapshot) return "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
    return this.hot ? BEGIN_HOT : "BEGIN";
  }

  /**
   * `sql` as a named statement. The names are the ones Prisma's adapter gives the same text;
   * a HOT_PATH transaction's have their own ("sy_h"), because a connection keeps a
   * statement's generic plan under its name whatever the settings it was made with.
   */
  private named(sql: { text: string; values: unknown[] }): pg.QueryConfig {
    return { name: statementName({ sql: sql.text }, this.hot ? "sy_h" : "sy"), text: sql.text, values: sql.values, types: TYPES };
  }

  /**
   * `sql` as EXECUTE (after its PREPARE when this connection has not had it yet); as itself
   * when PREPARE cannot take it (SAVEPOINT, LOCK…) and it has no parameters; undefined when
   * a value has no literal or the statement neither.
   */
  private execute(sql: { text: string; values: unknown[] }): string | undefined {
    if (!PREPARABLE.test(sql.text)) return sql.values.length === 0 && !sql.text.includes(";") ? `${sql.text}\n` : undefined;
    const args: string[] = [];
    for (const value of sql.values) {
      const literal = sqlLiteral(value);
      if (literal === undefined) return undefined;
      args.push(literal);
    }
    const name = statementName({ sql: sql.text }, this.hot ? "syx_h" : "syx");
    const call = args.length > 0 ? `EXECUTE ${name}(${args.join(", ")})` : `EXECUTE ${name}`;
    if (this.prepared.has(name)) return call;
    this.prepared.add(name); // unsure until the message succeeds: see recover
    // The newline ends a trailing comment of the statement's text.
    return `PREPARE ${name} AS ${sql.text}\n; ${call}`;
  }

  /**
   * One statement of the transaction; on the hot path the first carries BEGIN. (Elsewhere
   * BEGIN goes alone: a first statement may carry a secret, a webhook's, which as a literal
   * PostgreSQL would show in pg_stat_activity and log with an error.)
   */
  statement(sql: { text: string; values: unknown[] }): Promise<pg.QueryResult> {
    if (this.begun) return this.send(this.named(sql));
    this.begun = true;
    const call = this.hot ? this.execute(sql) : undefined;
    if (call !== undefined) return this.simple(`${this.begin}; ${call}`, -1);
    // Both queued now, in order (pg sends the second once the first is answered).
    const begun = this.send(this.begin);
    const answer = this.send(this.named(sql));
    answer.catch(() => undefined);
    return begun.then(() => answer);
  }

  /** COMMIT, after `last` in the same round trip (answering its rows). Nothing at all when nothing was sent. */
  async commit(last: LastStatement | undefined): Promise<void> {
    if (!last) {
      if (this.begun) await this.send("COMMIT");
      return;
    }
    const call = this.execute(last.sql);
    const begin = this.begun ? "" : `${this.begin}; `;
    this.begun = true;
    let answer: pg.QueryResult;
    if (call !== undefined) {
      answer = await this.simple(`${begin}${call}; COMMIT`, -2);
    } else {
      if (begin) await this.send(this.begin);
      answer = await this.send(this.named(last.sql));
      await this.send("COMMIT");
    }
    last.answer?.(answer.rows);
  }

  /** A simple query of several statements; answers the result at `index` (from the end when negative). */
  private async simple(text: string, index: number): Promise<pg.QueryResult> {
    const results = (await this.send({ text, types: TYPES })) as unknown as pg.QueryResult[];
    return results.at(index)!;
  }

  /**
   * After a failure: which of this transaction's PREPAREs ran is unknown (a message stops at
   * its first error), and the failure may be that the connection's list and ours differ
   * (a statement deallocated behind our back: "does not exist"). So the connection, which
   * keeps its PREPAREs through a ROLLBACK, is asked for its list.
   */
  async recover(): Promise<void> {
    const { rows } = await this.client.query<{ name: string }>("SELECT name FROM pg_prepared_statements WHERE name LIKE 'syx\\_%'");
    this.client[PREPARED] = new Set(rows.map((r) => r.name));
  }
}

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
  const session = new Session(client, options.hotPath === true, options.snapshot === true);
  const tx = new RawSql((sql) => session.statement(sql));
  try {
    await session.open();
    const value = await fn(tx);
    tx.ended = true;
    await session.commit(options.commitWith?.());
    return value;
  } catch (error) {
    tx.ended = true;
    if (session.begun) await client.query("ROLLBACK").catch((e: Error) => (broken ??= e));
    if (session.failed && !broken) await session.recover().catch((e: Error) => (broken ??= e));
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

/** How long disconnectDb waits for connections still checked out (a transaction waiting on a lock has no time limit). */
const POOL_END_WAIT_MS = 5_000;

export async function disconnectDb(): Promise<void> {
  const client = holder.__switchyardPrisma;
  holder.__switchyardPrisma = undefined;
  if (!client) return;
  try {
    await client.$disconnect();
  } finally {
    // Prisma hands its adapter's pool back only when its own engine ever connected; most
    // statements go to the pool directly (pooled, transaction), so end it here. Left open,
    // its idle connections outlived the caller (a test's database dropped under them).
    // The end waits for connections in use: not past POOL_END_WAIT_MS (a shutdown exits then).
    const pool = poolOf(client);
    if (!pool.ending)
      await within(
        pool.end().catch(() => undefined),
        POOL_END_WAIT_MS,
        () => undefined,
      );
  }
}

export { Prisma };
