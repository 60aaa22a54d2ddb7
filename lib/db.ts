// The one Prisma client of the process (a singleton on globalThis, because Next bundles
// route handlers separately from server.ts and both must share one pool).
import { createHash } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient, Prisma } from "@/lib/generated/prisma/client";
import { env } from "@/lib/env";

export type Db = PrismaClient;
export type Tx = Prisma.TransactionClient;
export type DbOrTx = PrismaClient | Prisma.TransactionClient;

const holder = globalThis as unknown as { __switchyardPrisma?: PrismaClient };

export function createPrismaClient(connectionString: string, max = env().DB_POOL_SIZE): PrismaClient {
  // Keep-alive notices a database peer that vanished without a word. (No connection
  // timeout: pg applies it to the wait for a free pool slot too, which under load would
  // turn busy moments into 503s.)
  // Named statements: each connection parses a statement once and keeps it, so PostgreSQL
  // can reuse its plan (see useGenericPlans). The names come from the SQL text, which the
  // code's templates bound (no statement is built from data).
  const adapter = new PrismaPg({ connectionString, max, keepAlive: true }, { statementNameGenerator: statementName });
  return new PrismaClient({ adapter });
}

function statementName(query: { sql: string }): string {
  return `sy_${createHash("sha1").update(query.sql).digest("hex").slice(0, 24)}`;
}

/**
 * The rest of this transaction plans its statements once per connection (generic plans)
 * instead of at every call. For the scheduler's hot path (a pull, a completion): small
 * statements run thousands of times a second, and planning them was half of PostgreSQL's
 * CPU in the 100×100 DAG (3.4 s of 6.5 s). Their plans do not depend on the values: ids
 * by primary key, the ready queue read in index order (lib/db/generic-plans.test.ts holds
 * the claim to it). Elsewhere PostgreSQL keeps choosing per call.
 */
export async function useGenericPlans(tx: Tx): Promise<void> {
  await tx.$executeRawUnsafe("SET LOCAL plan_cache_mode = force_generic_plan");
}

export function db(): PrismaClient {
  if (!holder.__switchyardPrisma) {
    const url = env().DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set (server.ts starts the embedded database and sets it)");
    holder.__switchyardPrisma = createPrismaClient(url);
  }
  return holder.__switchyardPrisma;
}

export async function disconnectDb(): Promise<void> {
  const client = holder.__switchyardPrisma;
  holder.__switchyardPrisma = undefined;
  await client?.$disconnect();
}

export { Prisma };
