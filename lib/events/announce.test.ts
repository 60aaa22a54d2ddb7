// Commits are announced after they commit (lib/events/record.ts): with a NOTIFY when this
// process's relay does not lead, for the leader elsewhere; with none when it leads.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { env } from "@/lib/env";
import { withEvents } from "@/lib/events/record";
import { NOTIFY_CHANNEL, registerRelay } from "@/lib/events/bus";
import { emitAny } from "@/lib/testing/events";

let listener: pg.Client;
let heard = 0;

beforeAll(async () => {
  listener = new pg.Client({ connectionString: env().DATABASE_URL });
  await listener.connect();
  listener.on("notification", (n) => {
    if (n.channel === NOTIFY_CHANNEL) heard++;
  });
  await listener.query(`LISTEN ${NOTIFY_CHANNEL}`);
});

afterAll(async () => {
  await listener.end();
});

const commit = () => withEvents(async (_tx, emit) => emitAny(emit, { type: "test.ping", actor: "test" }));
const settle = () => new Promise((r) => setTimeout(r, 300));

describe("announcing a commit", () => {
  it("sends a NOTIFY after the commit when no relay of this process leads", async () => {
    heard = 0;
    await commit();
    await settle();
    expect(heard).toBe(1);
  });

  it("sends none while a relay of this process leads: the leader hears of it through the bus", async () => {
    let leads = true;
    const unregister = registerRelay(() => leads);
    try {
      await settle();
      heard = 0;
      await commit();
      await settle();
      expect(heard).toBe(0);
      leads = false; // it lost the lead: the new leader is elsewhere
      await commit();
      await settle();
      expect(heard).toBe(1);
    } finally {
      unregister();
    }
  });
});
