// Once per test run: a migrated template database that every test file copies.
import type { TestProject } from "vitest/node";
import { migrateDatabase } from "@/lib/db/migrate";
import { createDatabase, databaseUrl, dropDatabase, randomDatabaseName } from "@/lib/testing/database";

export default async function setup(project: TestProject) {
  const template = randomDatabaseName("sy_tpl");
  await createDatabase(template);
  await migrateDatabase(databaseUrl(template));
  process.env.SWITCHYARD_TEST_TEMPLATE = template;
  project.provide("templateDatabase", template);
  return async () => {
    await dropDatabase(template);
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}
