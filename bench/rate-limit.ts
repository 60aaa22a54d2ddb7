// The shared per-agent rate limit (lib/auth/rate-limit.ts) on the request path: 32 agents
// each taking tokens as fast as they can, leases (the default: one round trip per batch)
// against a lease of 1 (one round trip per request, what a naive shared limit costs).
// Alone: `npx tsx bench/rate-limit.ts` prints its rows; `npm run bench` includes them.
import { pathToFileURL } from "node:url";
import { disconnectDb } from "@/lib/db";
import { resetEnv } from "@/lib/env";
import { leaseRoundTrips, leaseSize, resetAgentBuckets, takeAgentToken } from "@/lib/auth/rate-limit";
import { dropAll, freshDatabase, log, now, printTable, useSwitchyardDb, type Row } from "./util";

export interface RateLimitFigures {
  takesPerS: number;
  tripsPerTake: number;
  lease: number;
}

/** `takes` token takes spread over `agents` agents, 8 concurrent callers per agent. */
export async function rateLimitThroughput(
  url: string,
  options: { agents: number; takes: number; burst: number },
): Promise<RateLimitFigures> {
  await useSwitchyardDb(url, 8);
  process.env.AGENT_RATE_LIMIT_PER_S = "1000000"; // never refuses: this measures the cost, not the limit
  process.env.AGENT_RATE_LIMIT_BURST = String(options.burst);
  resetEnv();
  resetAgentBuckets();
  const ids = Array.from({ length: options.agents }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
  const perCaller = Math.ceil(options.takes / (options.agents * 8));
  const tripsBefore = leaseRoundTrips();
  const started = now();
  await Promise.all(
    ids.flatMap((id) =>
      Array.from({ length: 8 }, async () => {
        for (let i = 0; i < perCaller; i++) await takeAgentToken(id);
      }),
    ),
  );
  const seconds = (now() - started) / 1000;
  const total = perCaller * 8 * options.agents;
  delete process.env.AGENT_RATE_LIMIT_PER_S;
  delete process.env.AGENT_RATE_LIMIT_BURST;
  resetEnv();
  return {
    takesPerS: total / seconds,
    tripsPerTake: (leaseRoundTrips() - tripsBefore) / total,
    lease: leaseSize(1_000_000, options.burst),
  };
}

export async function rateLimitRows(): Promise<Row[]> {
  log("shared rate limit: 32 agents, leases vs one round trip per request");
  const leased = await rateLimitThroughput((await freshDatabase("switchyard")).url, { agents: 32, takes: 64_000, burst: 400 });
  const perRequest = await rateLimitThroughput((await freshDatabase("switchyard")).url, { agents: 32, takes: 8_000, burst: 8 });
  const fmtRate = (n: number) => `${Math.round(n).toLocaleString("en-US")} checks/s`;
  return [
    {
      figure: `shared per-agent rate limit, leases of ${leased.lease} (32 agents)`,
      value: fmtRate(leased.takesPerS),
      target: "≥ 10× one trip per request",
      met: leased.takesPerS >= 10 * perRequest.takesPerS ? "yes" : "no",
    },
    {
      figure: "  database round trips per request",
      value: leased.tripsPerTake.toFixed(3),
      target: `≤ 1/${leased.lease}`,
      met: leased.tripsPerTake <= 1 / leased.lease + 0.01 ? "yes" : "no",
    },
    { figure: "  the same limit with one round trip per request", value: fmtRate(perRequest.takesPerS), target: "reference", met: "—" },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    printTable(await rateLimitRows());
  } finally {
    await disconnectDb().catch(() => undefined);
    await dropAll();
  }
  process.exit(0);
}
