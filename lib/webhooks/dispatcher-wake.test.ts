// When the webhook dispatcher runs a round: commits wake it only while a webhook is
// registered (a server's every commit was otherwise a claim that found nothing), and a
// webhook registered in this process counts at once.
import { afterEach, describe, expect, it } from "vitest";
import { withEvents } from "@/lib/events/record";
import { emitAny } from "@/lib/testing/events";
import { startWebhookDispatcher } from "@/lib/webhooks/dispatcher";
import { createWebhook, deleteWebhook } from "@/lib/webhooks/registry";

let stop: (() => void) | undefined;
afterEach(() => stop?.());

const commit = () => withEvents(async (_tx, emit) => emitAny(emit, { type: "test.ping", actor: "test" }));
const settle = () => new Promise((r) => setTimeout(r, 300));

describe("the webhook dispatcher's rounds", () => {
  it("are not woken by commits while no webhook is registered; are, once one is", async () => {
    let rounds = 0;
    stop = startWebhookDispatcher(60_000, { onRound: () => rounds++ }); // no tick within the test
    await settle(); // its first look: no webhook
    for (let i = 0; i < 5; i++) await commit();
    await settle();
    expect(rounds).toBe(0);

    const hook = await createWebhook({ url: "http://127.0.0.1:9/hook", events: ["goal.finished"], actor: "test" });
    await settle();
    const afterRegistering = rounds;
    expect(afterRegistering).toBeGreaterThanOrEqual(1);
    await commit();
    await settle();
    expect(rounds).toBeGreaterThan(afterRegistering);
    await deleteWebhook(hook.id, "test");
  });
});
