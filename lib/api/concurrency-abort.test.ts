// A transaction Postgres aborts for a deadlock is recognised (as it surfaces through the
// transactions of lib/db.ts, on the pg pool), so the API answers 409 "retry" rather than 500.
import { describe, expect, it } from "vitest";
import { transaction } from "@/lib/db";
import { handler, isConcurrencyAbort } from "@/lib/api/handler";
import { ApiError } from "switchyard-client";

describe("concurrency aborts", () => {
  it("recognises a real deadlock error from Postgres, and nothing else", async () => {
    let release!: () => void;
    const bothHoldOne = new Promise<void>((resolve) => (release = resolve));
    let holding = 0;
    const hold = async (first: number, second: number) =>
      transaction(async (tx) => {
        await tx.$queryRaw`SELECT pg_advisory_xact_lock(${first})::text`;
        if (++holding === 2) release();
        await bothHoldOne;
        await tx.$queryRaw`SELECT pg_advisory_xact_lock(${second})::text`;
      });
    const outcomes = await Promise.allSettled([hold(9101, 9102), hold(9102, 9101)]);
    const failures = outcomes.flatMap((o) => (o.status === "rejected" ? [o.reason] : []));
    expect(failures).toHaveLength(1); // Postgres broke the cycle by aborting one of the two
    expect(isConcurrencyAbort(failures[0])).toBe(true);
    // Through the one handler wrapper: 409 concurrent_update with Retry-After, which the client treats as transient.
    const route = handler({ auth: "public" }, async () => {
      throw failures[0];
    });
    const response = await route(new Request("http://localhost/api/x", { method: "POST" }));
    expect(response.status).toBe(409);
    expect(response.headers.get("retry-after")).toBe("1");
    const body = await response.json();
    expect(body.error.code).toBe("concurrent_update");
    expect(new ApiError(409, body.error.code, body.error.message).isTransient).toBe(true);
    expect(new ApiError(409, "stale_attempt", "superseded").isTransient).toBe(false);
    expect(isConcurrencyAbort(new Error("deadlock detected"))).toBe(false);
    expect(isConcurrencyAbort({ code: "23505" })).toBe(false);
  });
});
