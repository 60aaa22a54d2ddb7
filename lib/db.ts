// The one Prisma client of the process (a singleton on globalThis, because Next bundles
// route handlers separately from server.ts and both must share one pool).
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
  const adapter = new PrismaPg({ connectionString, max, keepAlive: true });
  return new PrismaClient({ adapter });
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
