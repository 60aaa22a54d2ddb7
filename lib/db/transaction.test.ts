// Transactions on the pool (lib/db.ts `transaction`): what Prisma's interactive
// transactions used to guarantee, held here for our own — all or nothing, nothing sent
// outside the transaction, a lost session that neither crashes the process nor poisons
// the pool. (Deadlocks that the API recognises: lib/api/concurrency-abort.test.ts.)
import { describe, expect, it } from "vitest";
import pg from "pg";
import { env } from "@/lib/env";
import { pooled, transaction, type Tx } from "@/lib/db";

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
});
