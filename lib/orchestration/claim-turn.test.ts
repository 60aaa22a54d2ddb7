// Claim statements of one process take turns (lib/orchestration/ready.ts).
import { describe, expect, it } from "vitest";
import { inClaimTurn } from "@/lib/orchestration/ready";

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
