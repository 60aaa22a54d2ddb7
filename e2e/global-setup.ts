// Once per Playwright run: a fresh database on the real PostgreSQL and a real Switchyard
// server (server.ts, production build) on it; both go away in the teardown. The server
// is started here rather than by `webServer` because Playwright starts its webServer
// before globalSetup, and the server needs its database at boot.
import { migrateDatabase } from "@/lib/db/migrate";
import { createDatabase, databaseUrl, dropDatabase, randomDatabaseName } from "@/lib/testing/database";
import { startServer } from "@/lib/testing/server";

// Chosen by playwright.config.ts (a free port unless E2E_PORT was given).
const E2E_PORT = Number(process.env.E2E_PORT);

export default async function globalSetup() {
  const name = randomDatabaseName("sy_e2e");
  await createDatabase(name);
  const url = databaseUrl(name);
  await migrateDatabase(url);
  let server;
  try {
    server = await startServer({
      databaseUrl: url,
      port: E2E_PORT,
      timeoutMs: 120_000,
      env: { SWEEP_INTERVAL_MS: "200", HEARTBEAT_TIMEOUT_S: "120", RETRY_BASE_MS: "200", RETRY_MAX_MS: "1000" },
    });
  } catch (error) {
    await dropDatabase(name);
    throw error;
  }
  return async () => {
    await server.stop();
    if (process.env.E2E_SERVER_LOG) console.log(server.output());
    await dropDatabase(name);
  };
}
