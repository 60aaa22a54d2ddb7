// Claim statements of one process take turns, and its pulls hold at most half the pool
// (lib/orchestration/ready.ts).
import { describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { inClaimTurn, inPullSlot } from "@/lib/orchestration/ready";

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

describe("inClaimTurn", () => {
  it("runs one claim at a time, in the order they were asked for", async () => {
    let running = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        inClaimTurn(async () => {
          running++;
          most = Math.max(most, running);
          await tick();
          order.push(i);
          running--;
        }),
      ),
    );
    expect(most).toBe(1);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("a claim that fails answers its caller with the error and does not hold up the next", async () => {
    const failed = inClaimTurn(async () => {
      await tick();
      throw new Error("deadlock detected");
    });
    const next = inClaimTurn(async () => "claimed");
    await expect(failed).rejects.toThrow("deadlock detected");
    await expect(next).resolves.toBe("claimed");
  });
});

describe("inPullSlot", () => {
  it("runs pulls on at most half the pool's connections at once; the others wait, and each failure hands its slot on", async () => {
    const limit = Math.floor(env().DB_POOL_SIZE / 2);
    expect(limit).toBeGreaterThan(1);
    let running = 0;
    let most = 0;
    const outcomes = await Promise.allSettled(
      Array.from({ length: limit * 3 }, (_, i) =>
        inPullSlot(async () => {
          running++;
          most = Math.max(most, running);
          await tick();
          running--;
          if (i % 2 === 0) throw new Error(`pull ${i} failed`);
          return i;
        }),
      ),
    );
    expect(most).toBe(limit);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(Math.floor((limit * 3) / 2));
    // Every slot came back: as many pulls as the limit run at once again.
    running = most = 0;
    await Promise.all(
      Array.from({ length: limit }, () => inPullSlot(async () => (running++, (most = Math.max(most, running)), await tick(), running--))),
    );
    expect(most).toBe(limit);
  });
});
