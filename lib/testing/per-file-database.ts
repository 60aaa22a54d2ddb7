// Before each test file: its own database copied from the run's template; dropped after.
import { afterAll, inject } from "vitest";
import { resetEnv } from "@/lib/env";
import { disconnectDb } from "@/lib/db";
import { createDatabase, databaseUrl, dropDatabase, randomDatabaseName } from "@/lib/testing/database";

const name = randomDatabaseName("sy_test");
await createDatabase(name, inject("templateDatabase"));
process.env.DATABASE_URL = databaseUrl(name);
(process.env as Record<string, string>).NODE_ENV = "test";
process.env.SWITCHYARD_TEST_DATABASE = name;
// Retries in tests are fast unless a test asks otherwise.
process.env.RETRY_BASE_MS ??= "20";
process.env.RETRY_MAX_MS ??= "200";
resetEnv();

afterAll(async () => {
  await disconnectDb();
  await dropDatabase(name);
});
