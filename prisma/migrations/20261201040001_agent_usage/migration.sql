-- Issue 9: the usage each agent reported, summed (the agents page; reports hold the agent's row lock already).
ALTER TABLE "agents"
    ADD COLUMN "input_tokens" BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN "output_tokens" BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN "cost_usd" DOUBLE PRECISION NOT NULL DEFAULT 0;
