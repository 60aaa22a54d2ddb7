// Readiness: 200 with the version only when the database answers and every migration in
// prisma/migrations is applied; 503 naming what is missing otherwise. Liveness stays /api/health.
import { afterEach, describe, expect, it } from "vitest";
import pg from "pg";
import { GET as ready } from "@/app/api/ready/route";
import { GET as health } from "@/app/api/health/route";
import { migrationNames } from "@/lib/db/readiness";
import { disconnectDb } from "@/lib/db";
import { resetEnv } from "@/lib/env";
import { call } from "@/lib/testing/http";
import packageJson from "@/package.json";

const goodUrl = process.env.DATABASE_URL!;

afterEach(async () => {
  process.env.DATABASE_URL = goodUrl;
  resetEnv();
  await disconnectDb();
});

describe("GET /api/ready", () => {
  it("is 200 with the version when the database is migrated", async () => {
    const names = await migrationNames();
    const res = await call(ready, "GET", "/api/ready");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: "ready",
      version: packageJson.version,
      database: "ok",
      migrations: { expected: names.length, applied: names.length, pending: [], latest: names.at(-1) },
    });
  });

  it("is 503 naming the pending migration when one is not applied, while /api/health stays 200", async () => {
    const names = await migrationNames();
    const client = new pg.Client({ connectionString: goodUrl });
    await client.connect();
    const removed = await client.query(`DELETE FROM "_prisma_migrations" WHERE migration_name = $1 RETURNING *`, [names.at(-1)]);
    try {
      const res = await call(ready, "GET", "/api/ready");
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
      expect(res.body.error.code).toBe("unavailable");
      expect(res.body.error.message).toContain(names.at(-1));
      expect(res.body.migrations.pending).toEqual([names.at(-1)]);
      expect((await call(health, "GET", "/api/health")).status).toBe(200);
    } finally {
      const row = removed.rows[0];
      await client.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, $4, $5, $6)`,
        [row.id, row.checksum, row.finished_at, row.migration_name, row.started_at, row.applied_steps_count],
      );
      await client.end();
    }
    expect((await call(ready, "GET", "/api/ready")).status).toBe(200);
  });

  it("is 503 when the database is unreachable", async () => {
    await disconnectDb();
    process.env.DATABASE_URL = "postgresql://nobody@127.0.0.1:9/none";
    resetEnv();
    const res = await call(ready, "GET", "/api/ready");
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: "not_ready", database: "unreachable", version: packageJson.version });
  });
});
