-- Threads still `active` whose last message (else their first) is older than :archive_cutoff
-- become `archived`: what time does to threads no new message touched (a thread with a new
-- message is recomputed by sync_conversations.sql, and made active again). Returns how many were
-- archived. The idle threads are found first, each branch a range of
-- conversations_active_covering_idx (keyed by last_message_time, active threads only), and only
-- they are updated: one UPDATE with the OR rechecked every active thread in the table itself
-- (30,000 pages on every sync at the benchmark's large scale, where 52,000 threads are active).
WITH idle AS (
    SELECT c.id FROM conversations AS c
    WHERE c.status = 'active' AND c.last_message_time < CAST(:archive_cutoff AS timestamptz)
    UNION ALL
    SELECT c.id FROM conversations AS c
    WHERE c.status = 'active' AND c.last_message_time IS NULL AND c.created_at < CAST(:archive_cutoff AS timestamptz)
),
archived AS (
    UPDATE conversations AS c
    SET status = 'archived'
    FROM idle
    WHERE c.id = idle.id AND c.status = 'active'
    RETURNING 1
)
SELECT count(*) FROM archived;
