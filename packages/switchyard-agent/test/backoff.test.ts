// The worker's backoff schedule: exponential, capped, jittered, honouring Retry-After up to
// the cap, and independent per instance.
import { describe, expect, it } from "vitest";
import { Backoff } from "../src/backoff";

describe("Backoff", () => {
  it("doubles from the initial step up to the cap, with ±25% jitter", () => {
    const low = new Backoff({ initialMs: 500, maxMs: 2000, random: () => 0 });
    expect([low.next(), low.next(), low.next(), low.next(), low.next()]).toEqual([375, 750, 1500, 1500, 1500]);
    const high = new Backoff({ initialMs: 500, maxMs: 2000, random: () => 0.999999 });
    expect([high.next(), high.next(), high.next(), high.next()]).toEqual([625, 1250, 2500, 2500]);
    expect(high.atCap).toBe(true);
  });

  it("honours Retry-After, but never waits past the cap", () => {
    const b = new Backoff({ initialMs: 500, maxMs: 2000, random: () => 0.5 });
    expect(b.next(1500)).toBe(1500);
    expect(b.next(60_000)).toBe(2500);
  });

  it("starts over after a success, and two schedules do not affect each other", () => {
    const pull = new Backoff({ initialMs: 500, maxMs: 30_000, random: () => 0.5 });
    const report = new Backoff({ initialMs: 250, maxMs: 2000, random: () => 0.5 });
    for (let i = 0; i < 10; i++) pull.next();
    expect(pull.next()).toBe(30_000);
    expect(report.next()).toBe(250);
    pull.reset();
    expect(pull.next()).toBe(500);
  });
});
