import { handler, json } from "@/lib/api/handler";
import { readiness } from "@/lib/db/readiness";

// GET /api/ready – readiness: 200 when the database answers and every migration is applied (with the version), else 503
export const GET = handler({ auth: "public" }, async () => {
  const r = await readiness();
  if (r.ready) return { status: "ready", version: r.version, database: r.database, migrations: r.migrations };
  const why =
    r.database === "unreachable"
      ? "the database is unreachable"
      : `${r.migrations.pending.length} migration(s) not applied: ${r.migrations.pending.join(", ")}`;
  return json(
    {
      error: { code: "unavailable", message: `not ready: ${why}` },
      status: "not_ready",
      version: r.version,
      database: r.database,
      migrations: r.migrations,
    },
    503,
    { "retry-after": "5" },
  );
});
