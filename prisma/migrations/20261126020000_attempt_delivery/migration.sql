-- An attempt the operator started (reassign) has not reached its agent yet: the agent's
-- next assign call hands it over. NULL = not yet delivered; pulls deliver at once.
ALTER TABLE "attempts" ADD COLUMN "delivered_at" TIMESTAMPTZ(3) DEFAULT now();

-- Partial: holds only the few attempts waiting for their agent, so every pull can look.
CREATE INDEX "attempts_undelivered_idx" ON "attempts"("agent_id") WHERE "delivered_at" IS NULL;
