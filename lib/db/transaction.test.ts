// Transactions on the pool (lib/db.ts `transaction`): what Prisma's interactive
// transactions used to guarantee, held here for our own — all or nothing, nothing sent
// outside the transaction, a lost session that neither crashes the process nor poisons
// the pool; and the first and last statements, which go out with BEGIN and COMMIT as
// literals, answering as the others do. (Deadlocks that the API recognises:
// lib/api/concurrency-abort.test.ts.)
import { describe, expect, it, vi } from "vitest";
import pg from "pg";
import { env } from "@/lib/env";
import { HOT_PATH, Prisma, pooled, sqlLiteral, transaction, type Tx } from "@/lib/db";

async function count(marker: string): Promise<number> {
  const rows = await pooled().$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM events WHERE actor = ${marker}`;
  return rows[0]!.n;
}

function insertMarker(tx: Tx, marker: string) {
  return tx.$executeRaw`INSERT INTO events (type, actor) VALUES ('test.ping', ${marker})`;
}

describe("transactions on the pool", () => {
  it("commits what it wrote when it resolves, and nothing when it throws", async () => {
    await transaction(async (tx) => {
      await insertMarker(tx, "tx-commit");
    });
    await expect(
      transaction(async (tx) => {
        await insertMarker(tx, "tx-rollback");
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(await count("tx-commit")).toBe(1);
    expect(await count("tx-rollback")).toBe(0);
  });

  it("refuses a statement sent after the transaction ended, which would have run outside it", async () => {
    let late: Promise<number> | undefined;
    await expect(
      transaction(async (tx) => {
        // A sibling that goes on after the other branch failed (as under Promise.all).
        const sibling = tx.$queryRaw`SELECT pg_sleep(0.05)`.then(() => {
          late = insertMarker(tx, "tx-late");
          return late;
        });
        sibling.catch(() => undefined);
        await Promise.all([sibling, Promise.reject(new Error("one branch failed"))]);
      }),
    ).rejects.toThrow("one branch failed");
    await new Promise((r) => setTimeout(r, 200));
    expect(late).toBeDefined();
    await expect(late!).rejects.toThrow("after its transaction ended");
    expect(await count("tx-late")).toBe(0);
  });

  it("survives its session being ended mid-transaction: the error is the transaction's, and the pool serves the next one", async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", onUncaught);
    try {
      const killer = new pg.Client({ connectionString: env().DATABASE_URL });
      await killer.connect();
      try {
        await expect(
          transaction(async (tx) => {
            await insertMarker(tx, "tx-killed");
            const [me] = await tx.$queryRaw<Array<{ pid: number }>>`SELECT pg_backend_pid() AS pid`;
            await killer.query("SELECT pg_terminate_backend($1)", [me!.pid]);
            await new Promise((r) => setTimeout(r, 100));
            await tx.$queryRaw`SELECT 1`;
          }),
        ).rejects.toThrow();
      } finally {
        await killer.end();
      }
      expect(uncaught).toEqual([]);
      expect(await count("tx-killed")).toBe(0);
      // Every connection of the pool works again (the killed one was dropped, not handed out).
      for (let i = 0; i < env().DB_POOL_SIZE + 2; i++) {
        await transaction(async (tx) => {
          await tx.$queryRaw`SELECT 1`;
        });
      }
    } finally {
      process.off("uncaughtException", onUncaught);
    }
  });

  it("answers a first statement (with BEGIN on the hot path, its values as literals) as it answers the same statement later", async () => {
    const values = [
      "it's a \\ back'slash'' and $$ dollars $1 -- not a comment ; /* nor this */",
      "E'\\x00' \\' ünïcødé 🚀\nnew line\ttab",
      ["a,b", 'q"uote', "back\\slash", null, "{braces}", ""],
      [1, 2, 3],
      null,
      42.5,
      true,
      123456789012345678n,
      new Date("2026-01-02T03:04:05.678Z"),
      JSON.stringify({ quote: "'", back: "\\", nested: { list: [1, "two"] } }),
    ];
    const statement = Prisma.sql`SELECT ${values[0]}::text AS a, ${values[1]}::text AS b, ${values[2]}::text[] AS c, ${values[3]}::int[] AS d,
      ${values[4]}::text AS e, ${values[5]}::float8 AS f, ${values[6]}::boolean AS g, ${values[7]}::int8 AS h,
      ${values[8]}::timestamptz AS i, ${values[9]}::jsonb AS j`;
    const [first, later] = await transaction(async (tx) => [await tx.$queryRaw(statement), await tx.$queryRaw(statement)], HOT_PATH);
    expect(first).toEqual(later);
    expect(first).toEqual([
      {
        a: values[0],
        b: values[1],
        c: values[2],
        d: [1, 2, 3],
        e: null,
        f: 42.5,
        g: true,
        h: 123456789012345678n,
        i: values[8],
        j: JSON.parse(values[9] as string),
      },
    ]);
  });

  it("writes a value as a literal only when it has one; the rest goes as a parameter, still inside the transaction", async () => {
    expect(sqlLiteral("it's")).toBe("'it''s'");
    expect(sqlLiteral("a\\b")).toBe(" E'a\\\\b'");
    expect(sqlLiteral(null)).toBe("NULL");
    expect(sqlLiteral(new Uint8Array([1, 2]))).toBeUndefined();
    expect(sqlLiteral("nul\u0000")).toBeUndefined();
    // Bytes as the first statement's parameter.
    const [bytes] = await transaction(
      async (tx) => tx.$queryRaw<Array<{ b: Uint8Array }>>`SELECT ${new Uint8Array([0, 1, 255])}::bytea AS b`,
      HOT_PATH,
    );
    expect([...bytes!.b]).toEqual([0, 1, 255]);
    // A NUL is refused by PostgreSQL, as it always was, and nothing of the transaction stays.
    await expect(
      transaction(async (tx) => {
        await tx.$executeRaw`INSERT INTO events (type, actor) VALUES ('test.ping', ${"tx-nul\u0000"})`;
      }, HOT_PATH),
    ).rejects.toThrow();
    // A statement PREPARE cannot take (SAVEPOINT) opens the transaction as well.
    await transaction(async (tx) => {
      await tx.$executeRawUnsafe("SAVEPOINT first");
      await insertMarker(tx, "tx-savepoint-undone");
      await tx.$executeRawUnsafe("ROLLBACK TO SAVEPOINT first");
      await insertMarker(tx, "tx-savepoint-kept");
    }, HOT_PATH);
    // Two commands in one text are never PREPAREd (the second would run once, then never again): refused as before.
    await expect(transaction(async (tx) => tx.$queryRawUnsafe("SELECT 1; SELECT 2"), HOT_PATH)).rejects.toThrow(/multiple commands/);
    expect(await count("tx-savepoint-undone")).toBe(0);
    expect(await count("tx-savepoint-kept")).toBe(1);
  });

  /** `fn` on every connection of the pool at once (as many transactions as it has connections, each held a moment), on the hot path. */
  const onEach = <T>(fn: (tx: Tx) => Promise<T>) =>
    Promise.allSettled(
      Array.from({ length: env().DB_POOL_SIZE }, () =>
        transaction(async (tx) => {
          const value = await fn(tx);
          await new Promise((r) => setTimeout(r, 50));
          return value;
        }, HOT_PATH),
      ),
    );

  it("keeps track of what each connection has prepared when a PREPARE fails", async () => {
    // Each connection's PREPARE of the statement fails (its table is not there yet)...
    const statement = Prisma.sql`SELECT count(*)::int AS n FROM tx_prepared_later WHERE n = ${1}::int`;
    const failed = await onEach((tx) => tx.$queryRaw(statement));
    expect(failed.map((f) => f.status === "rejected" && /does not exist/.test(String(f.reason)))).toEqual(failed.map(() => true));
    // ...then, the table made, the same statement on every connection: prepared anew, not
    // assumed prepared ("prepared statement … does not exist").
    await pooled().$executeRawUnsafe("CREATE TABLE tx_prepared_later (n int)");
    const answered = await onEach((tx) => tx.$queryRaw<Array<{ n: number }>>(statement));
    expect(answered).toEqual(answered.map(() => ({ status: "fulfilled", value: [{ n: 0 }] })));
  });

  it("shares what each connection prepared with another copy of this module (Next bundles its own beside the server's)", async () => {
    vi.resetModules();
    const other = (await import("@/lib/db")) as typeof import("@/lib/db");
    expect(other.transaction).not.toBe(transaction);
    const statement = Prisma.sql`SELECT ${"copies"}::text AS seen`;
    const mine = await onEach((tx) => tx.$queryRaw(statement));
    expect(mine.every((r) => r.status === "fulfilled")).toBe(true);
    const theirs = await Promise.allSettled(
      Array.from({ length: env().DB_POOL_SIZE }, () =>
        other.transaction(async (tx) => {
          const rows = await tx.$queryRaw(statement);
          await new Promise((r) => setTimeout(r, 50));
          return rows;
        }, other.HOT_PATH),
      ),
    );
    expect(theirs).toEqual(theirs.map(() => ({ status: "fulfilled", value: [{ seen: "copies" }] })));
  });

  it("heals when what a connection prepared is deallocated behind its back: one transaction fails, the next prepares anew", async () => {
    const statement = Prisma.sql`SELECT ${1}::int + 1 AS two`;
    const dropped = await onEach(async (tx) => {
      await tx.$queryRaw(statement);
      const names = await tx.$queryRaw<Array<{ name: string }>>`SELECT name FROM pg_prepared_statements WHERE name LIKE 'syx%'`;
      for (const { name } of names) await tx.$executeRawUnsafe(`DEALLOCATE ${name}`);
    });
    expect(dropped.every((d) => d.status === "fulfilled")).toBe(true);
    const once = await onEach((tx) => tx.$queryRaw(statement));
    expect(once.map((f) => f.status === "rejected" && /does not exist/.test(String(f.reason)))).toEqual(once.map(() => true));
    const again = await onEach((tx) => tx.$queryRaw(statement));
    expect(again).toEqual(again.map(() => ({ status: "fulfilled", value: [{ two: 2 }] })));
  });

  it("sends its last statement with COMMIT: written when it commits, nothing when that statement fails", async () => {
    const answered: unknown[][] = [];
    const answer = (rows: unknown[]) => answered.push(rows);
    await transaction(async (tx) => void (await insertMarker(tx, "tx-last-before")), {
      commitWith: () => ({ sql: Prisma.sql`INSERT INTO events (type, actor) VALUES ('test.ping', ${"tx-last"}) RETURNING actor`, answer }),
    });
    expect(await count("tx-last-before")).toBe(1);
    expect(await count("tx-last")).toBe(1);
    expect(answered).toEqual([[{ actor: "tx-last" }]]);
    await expect(
      transaction(async (tx) => void (await insertMarker(tx, "tx-last-undone")), {
        commitWith: () => ({ sql: Prisma.sql`INSERT INTO events (type, actor) VALUES (NULL, ${"tx-last-fails"})` }),
      }),
    ).rejects.toThrow(/null value/);
    expect(await count("tx-last-undone")).toBe(0);
    // A transaction that sent nothing else sends its last statement with BEGIN and COMMIT.
    await transaction(async () => undefined, {
      commitWith: () => ({ sql: Prisma.sql`INSERT INTO events (type, actor) VALUES ('test.ping', ${"tx-only-last"})` }),
    });
    expect(await count("tx-only-last")).toBe(1);
  });
});
