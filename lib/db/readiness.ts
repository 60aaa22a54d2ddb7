// Readiness (GET /api/ready): the database answers and every migration in
// prisma/migrations is applied. Liveness stays GET /api/health.
import { readdir } from "node:fs/promises";
import path from "node:path";
import { db } from "@/lib/db";
import packageJson from "@/package.json";

export interface Readiness {
  ready: boolean;
  version: string;
  database: "ok" | "unreachable";
  migrations: { expected: number; applied: number; pending: string[]; latest: string | null };
}

export async function migrationNames(dir = path.join(process.cwd(), "prisma", "migrations")): Promise<string[]> {
  return (await readdir(dir, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

export async function readiness(): Promise<Readiness> {
  const expected = await migrationNames();
  const base = { version: packageJson.version };
  let applied: Set<string>;
  try {
    const rows = await db().$queryRaw<
      Array<{ migration_name: string }>
    >`SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
    applied = new Set(rows.map((r) => r.migration_name));
  } catch {
    // Unreachable, or reachable with no bookkeeping table yet (nothing migrated).
    const reachable = await db().$queryRaw`SELECT 1`.then(
      () => true,
      () => false,
    );
    if (!reachable)
      return {
        ...base,
        ready: false,
        database: "unreachable",
        migrations: { expected: expected.length, applied: 0, pending: expected, latest: null },
      };
    applied = new Set();
  }
  const pending = expected.filter((name) => !applied.has(name));
  const latest = expected.filter((name) => applied.has(name)).at(-1) ?? null;
  return {
    ...base,
    ready: pending.length === 0,
    database: "ok",
    migrations: { expected: expected.length, applied: expected.length - pending.length, pending, latest },
  };
}
