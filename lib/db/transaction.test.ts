// Transactions on the pool (lib/db.ts `transaction`): what Prisma's interactive
// transactions used to guarantee, held here for our own — all or nothing, nothing sent
// outside the transaction, a lost session that neither crashes the process nor poisons
// the pool; and the first and last statements, which go out with BEGIN and COMMIT as
// literals, answering as the others do. (Deadlocks that the API recognises:
// lib/api/concurrency-abort.test.ts.)
import { describe, expect, it } from "vitest";
import pg from "pg";
import { env } from "@/lib/env";
import { Prisma, pooled, sqlLiteral, transaction, type Tx } from "@/lib/db";

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

  it("answers a first statement (with BEGIN, its values as literals) as it answers the same statement later", async () => {
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
    const [first, later] = await transaction(async (tx) => [await tx.$queryRaw(statement), await tx.$queryRaw(statement)]);
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
    );
    expect([...bytes!.b]).toEqual([0, 1, 255]);
    // A NUL is refused by PostgreSQL, as it always was, and nothing of the transaction stays.
    await expect(
      transaction(async (tx) => {
        await tx.$executeRaw`INSERT INTO events (type, actor) VALUES ('test.ping', ${"tx-nul\u0000"})`;
      }),
    ).rejects.toThrow();
    // A statement PREPARE cannot take (SAVEPOINT) opens the transaction as well.
    await transaction(async (tx) => {
      await tx.$executeRawUnsafe("SAVEPOINT first");
      await insertMarker(tx, "tx-savepoint-undone");
      await tx.$executeRawUnsafe("ROLLBACK TO SAVEPOINT first");
      await insertMarker(tx, "tx-savepoint-kept");
    });
    expect(await count("tx-savepoint-undone")).toBe(0);
    expect(await count("tx-savepoint-kept")).toBe(1);
  });

  it("keeps track of what each connection has prepared when a PREPARE fails", async () => {
    // As many transactions at once as the pool has connections, so that each connection's
    // PREPARE of the statement fails (its table is not there yet)...
    const n = env().DB_POOL_SIZE;
    const statement = Prisma.sql`SELECT count(*)::int AS n FROM tx_prepared_later WHERE n = ${1}::int`;
    const onEach = <T>(fn: (tx: Tx) => Promise<T>) =>
      Promise.allSettled(
        Array.from({ length: n }, () =>
          transaction(async (tx) => {
            const value = await fn(tx);
            await new Promise((r) => setTimeout(r, 50));
            return value;
          }),
        ),
      );
    const failed = await onEach((tx) => tx.$queryRaw(statement));
    expect(failed.map((f) => f.status === "rejected" && /does not exist/.test(String(f.reason)))).toEqual(failed.map(() => true));
    // ...then, the table made, the same statement on every connection: prepared anew, not
    // assumed prepared ("prepared statement … does not exist").
    await pooled().$executeRawUnsafe("CREATE TABLE tx_prepared_later (n int)");
    const answered = await onEach((tx) => tx.$queryRaw<Array<{ n: number }>>(statement));
    expect(answered).toEqual(answered.map(() => ({ status: "fulfilled", value: [{ n: 0 }] })));
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
