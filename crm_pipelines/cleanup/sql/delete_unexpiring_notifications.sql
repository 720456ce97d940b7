-- One batch: notifications without expires_at older than the retention (:cutoff). Batching as in
-- delete_expired_notifications.sql. Index: notifications_no_expiry_created_idx (sql/004).
WITH gone AS (
    DELETE FROM notifications
    WHERE id = ANY(ARRAY(SELECT id FROM notifications
                         WHERE expires_at IS NULL
                           AND created_at < CAST(:cutoff AS timestamptz)
                         LIMIT :batch_size
                         FOR UPDATE SKIP LOCKED))
    RETURNING 1
)
SELECT count(*) AS affected, CAST(NULL AS date[]) AS days FROM gone;
