-- Threads still `active` whose last message (else their first) is older than :archive_cutoff
-- become `archived`: what time does to threads no new message touched (a thread with a new
-- message is recomputed by sync_conversations.sql, and made active again). Reads only the active
-- threads, through conversations_active_covering_idx. Returns how many were archived.
WITH archived AS (
    UPDATE conversations
    SET status = 'archived'
    WHERE status = 'active'
      AND (last_message_time < CAST(:archive_cutoff AS timestamptz)
           OR (last_message_time IS NULL AND created_at < CAST(:archive_cutoff AS timestamptz)))
    RETURNING 1
)
SELECT count(*) FROM archived;
