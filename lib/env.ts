// The one place that reads process.env: parsed with zod on first use, then cached.
import { z } from "zod";

const booleanish = z.enum(["1", "0", "true", "false", "yes", "no", ""]).transform((v) => v === "1" || v === "true" || v === "yes");

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().url().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().optional(),
  SWITCHYARD_DATA_DIR: z.string().default(".data"),
  SWITCHYARD_OPERATOR_TOKEN: z.string().min(32, "must be at least 32 characters (make one with: openssl rand -hex 32)").optional(),
  // When set, registering an agent needs it (or the operator token) as a Bearer token.
  SWITCHYARD_REGISTRATION_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  SWITCHYARD_INSTANCE_ID: z.string().optional(),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  HEARTBEAT_TIMEOUT_S: z.coerce.number().positive().default(30),
  SWEEP_INTERVAL_MS: z.coerce.number().int().min(50).default(1000),
  RETRY_BASE_MS: z.coerce.number().int().min(0).default(1000),
  RETRY_MAX_MS: z.coerce.number().int().min(0).default(60_000),
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(4 * 1024 * 1024),
  LLM_BASE_URL: z.string().url().optional(),
  LLM_API_KEY: z.string().optional(),
  LLM_MODEL: z.string().default("gpt-4o-mini"),
  SWITCHYARD_DISABLE_SWEEP: booleanish.default(false),
  // Per-agent token bucket on the agent endpoints, per server instance (0 turns it off).
  AGENT_RATE_LIMIT_PER_S: z.coerce.number().min(0).default(200),
  AGENT_RATE_LIMIT_BURST: z.coerce.number().min(1).default(400),
  // --- anywhere (issue 13) ---
  // On SIGTERM/SIGINT, how long in-flight requests may finish before their connections are cut.
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  // --- trust (issue 14) ---
  // Host names the server answers to besides loopback (comma-separated; a port is ignored).
  ALLOWED_HOSTS: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((name) => name.trim().toLowerCase().replace(/:\d+$/, ""))
        .filter((name) => name !== ""),
    ),
  // Structured logs (JSON lines on stdout): the least severe level written.
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  // Node's HTTP server timeouts: slow or stalled clients are dropped.
  HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).default(20_000),
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(120_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  // Failed authentication per client address (sign-in, operator and agent tokens): a
  // bucket of AUTH_FAILURE_BURST failures refilled at AUTH_FAILURE_PER_MIN; when empty, 429.
  AUTH_FAILURE_BURST: z.coerce.number().int().min(1).default(10),
  AUTH_FAILURE_PER_MIN: z.coerce.number().min(0.1).default(30),
  // --- grow (issue 11): webhook deliveries (lib/webhooks/dispatcher.ts) ---
  SWITCHYARD_DISABLE_WEBHOOKS: booleanish.default(false),
  /** How long one delivery may take before it counts as failed (the claim's lease is this plus a margin). */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** How much of a receiver's answer is read (the rest is dropped). */
  WEBHOOK_MAX_RESPONSE_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(64 * 1024),
  /** How often each instance looks for due deliveries (it also wakes when events commit). */
  WEBHOOK_POLL_MS: z.coerce.number().int().min(10).default(1000),
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(1).default(2000),
  WEBHOOK_RETRY_MAX_MS: z.coerce.number().int().min(1).default(3600_000),
  /** A delivery is retried until it is this old, then it fails for good. */
  WEBHOOK_MAX_AGE_MS: z.coerce
    .number()
    .int()
    .min(1)
    .default(24 * 3600_000),
});

export type Env = z.infer<typeof envSchema>;

const cache = globalThis as unknown as { __switchyardEnv?: Env };

export function env(): Env {
  if (!cache.__switchyardEnv) {
    // An empty variable means "not set" (e.g. DATABASE_URL= to ask for the embedded database).
    const raw = Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== ""));
    const parsed = envSchema.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
      throw new Error(`Invalid environment: ${issues}`);
    }
    cache.__switchyardEnv = parsed.data;
  }
  return cache.__switchyardEnv;
}

/** For a process that changes its environment after boot (the server choosing an embedded database, tests). */
export function resetEnv(): void {
  cache.__switchyardEnv = undefined;
}
