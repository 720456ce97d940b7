-- The quarter hours the benchmark replays as "new rows": their chat_messages and assignment
-- events leave CRM Ventas's tables for crm_bench.held_back (quarter :quarter, starting at
-- :starts), to be written again, one quarter hour at a time, after the initial sync.
CREATE SCHEMA IF NOT EXISTS crm_bench;
CREATE TABLE IF NOT EXISTS crm_bench.held_back_messages (quarter integer NOT NULL, LIKE chat_messages);
CREATE TABLE IF NOT EXISTS crm_bench.held_back_events (quarter integer NOT NULL, LIKE system_events);

WITH moved AS (
    DELETE FROM chat_messages
    WHERE created_at >= CAST(:starts AS timestamptz) AND created_at < CAST(:starts AS timestamptz) + interval '15 minutes'
    RETURNING *
)
INSERT INTO crm_bench.held_back_messages SELECT :quarter, moved.* FROM moved;

WITH moved AS (
    DELETE FROM system_events
    WHERE created_at >= CAST(:starts AS timestamptz) AND created_at < CAST(:starts AS timestamptz) + interval '15 minutes'
    RETURNING *
)
INSERT INTO crm_bench.held_back_events SELECT :quarter, moved.* FROM moved;
