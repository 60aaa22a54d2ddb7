-- The per-agent rate limit shared by every instance (lib/auth/rate-limit.ts): one token
-- bucket per agent, refilled at AGENT_RATE_LIMIT_PER_S up to AGENT_RATE_LIMIT_BURST by the
-- statement that takes from it. Instances take tokens in small batches (leases) and spend
-- them locally, so the hot path makes one round trip per batch, not per request.
--   tokens:     what is left after the last lease, as of updated_at
--   last_grant: how many tokens the last lease took (returned to the instance that asked)
CREATE TABLE "agent_rate_budget" (
    "agent_id" UUID NOT NULL,
    "tokens" DOUBLE PRECISION NOT NULL,
    "last_grant" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    CONSTRAINT "agent_rate_budget_pkey" PRIMARY KEY ("agent_id"),
    CONSTRAINT "agent_rate_budget_tokens_non_negative" CHECK ("tokens" >= 0),
    CONSTRAINT "agent_rate_budget_last_grant_non_negative" CHECK ("last_grant" >= 0)
);
