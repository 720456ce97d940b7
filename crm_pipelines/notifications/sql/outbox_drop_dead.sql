-- Outbox rows whose notification is gone (cleaned) or expired: their event is never sent (SPEC 4:
-- a notification is sent until it is sent or expires). Returns how many were dropped.
WITH dead AS (
    DELETE FROM notification_outbox AS o
    WHERE NOT EXISTS (
        SELECT 1 FROM notifications AS n
        WHERE n.id = o.id AND (n.expires_at IS NULL OR n.expires_at > CAST(:now AS timestamptz)))
    RETURNING 1
)
SELECT count(*) FROM dead;
