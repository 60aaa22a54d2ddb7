// Test databases on the real PostgreSQL: one migrated template per run, and a fresh copy
// of it for every test file, dropped afterwards. Runs never share a database.
import { randomBytes } from "node:crypto";
import pg from "pg";

export function adminUrl(): string {
  return process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
}

export function databaseUrl(name: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

export function randomDatabaseName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
}

export async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createDatabase(name: string, template?: string): Promise<void> {
  for (let tries = 0; ; tries++) {
    try {
      await withAdmin((c) => c.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ""}`));
      return;
    } catch (error) {
      // Two copies of one template at the same instant: Postgres refuses one; try again.
      if (tries > 20 || !/being accessed by other users/.test((error as Error).message)) throw error;
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
    }
  }
}

export async function dropDatabase(name: string): Promise<void> {
  await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

/** Empties every table of the current test database (for files whose tests need a clean slate each). */
export async function truncateAll(): Promise<void> {
  const { db } = await import("@/lib/db");
  const tables = await db().$queryRaw<Array<{ tablename: string }>>`
    SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`;
  await db().$executeRawUnsafe(`TRUNCATE ${tables.map((t) => `"${t.tablename}"`).join(", ")} RESTART IDENTITY CASCADE`);
}

/**
 * Every row of every table of the current test database, as JSON text in a stable order,
 * to prove that a refused request wrote nothing. Sequences are left out: they move even
 * when a transaction rolls back, which is not a write anyone can see.
 */
export async function snapshotTables(options: { except?: string[] } = {}): Promise<Record<string, string[]>> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    const tables = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
    );
    const out: Record<string, string[]> = {};
    for (const { table_name } of tables.rows) {
      if (options.except?.includes(table_name)) continue;
      const rows = await client.query<{ r: string }>(`SELECT row_to_json(t)::text AS r FROM "${table_name}" t ORDER BY 1`);
      out[table_name] = rows.rows.map((x) => x.r);
    }
    return out;
  } finally {
    await client.end();
  }
}
