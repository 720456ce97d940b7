-- One batch: active conversations idle since before :cutoff (no message since, or never one and
-- created before) become 'archived'. FOR UPDATE re-checks the row's current version, so a
-- conversation that just got a new message is left active. Batching as in
-- delete_expired_notifications.sql. Index: conversations_active_covering_idx (partial on
-- status = 'active'; it holds the NULLs too).
WITH archived AS (
    UPDATE conversations
    SET status = 'archived'
    WHERE id = ANY(ARRAY(SELECT id FROM conversations
                         WHERE status = 'active'
                           AND (last_message_time < CAST(:cutoff AS timestamptz)
                                OR (last_message_time IS NULL AND created_at < CAST(:cutoff AS timestamptz)))
                         LIMIT :batch_size
                         FOR UPDATE SKIP LOCKED))
    RETURNING 1
)
SELECT count(*) AS affected, CAST(NULL AS date[]) AS days FROM archived;
