-- The live-event relay's bookkeeping (lib/events/relay.ts): one row.
--   relayed_seq: the last seq the relay leader has broadcast over socket.io; a new leader
--                resumes from here (at-least-once; clients drop duplicates by seq).
--   final_seq:   every seq at or below it is final (committed, or a hole left by a rolled
--                back transaction that will never fill), written BEFORE the relay
--                broadcasts past a hole, so stateless readers (GET /api/events, resume)
--                never stop short of what a socket already received.
CREATE TABLE "event_relay" (
    "id" SMALLINT NOT NULL DEFAULT 1,
    "relayed_seq" BIGINT NOT NULL DEFAULT 0,
    "final_seq" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    CONSTRAINT "event_relay_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "event_relay_one_row" CHECK ("id" = 1)
);

-- An existing log is not replayed to sockets: the relay starts at its end.
INSERT INTO "event_relay" ("id", "relayed_seq", "final_seq")
SELECT 1, COALESCE(max("seq"), 0), COALESCE(max("seq"), 0) FROM "events";

-- @socket.io/postgres-adapter stores payloads over NOTIFY's 8000-byte limit here.
CREATE TABLE "socket_io_attachments" (
    "id" BIGSERIAL NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    "payload" BYTEA NOT NULL,
    CONSTRAINT "socket_io_attachments_pkey" PRIMARY KEY ("id")
);
