-- One batch: OUR notifications past their expires_at. Only rows of the four types the rules write
-- whose ids follow SPEC 3's patterns (notification_is_ours, sql/004) are ours: every other row of
-- the CRM's `notifications` (its own types, rows without expires_at) is the CRM's and is never
-- deleted. FOR UPDATE SKIP LOCKED takes only rows nobody holds (a concurrent cleanup takes other
-- rows, the CRM marking one read is never waited for); the caller repeats until a batch removes
-- nothing. `= ANY(ARRAY(...))` makes the DELETE fetch the batch by primary key (`IN (subquery)`
-- may be planned as a scan of the whole table). Index: notifications_expires_idx.
WITH gone AS (
    DELETE FROM notifications
    WHERE id = ANY(ARRAY(SELECT id FROM notifications
                         WHERE expires_at < CAST(:now AS timestamptz)
                           AND type IN ('unanswered', 'hot_lead', 'followup', 'performance_alert')
                           AND notification_is_ours(type, id)
                         LIMIT :batch_size
                         FOR UPDATE SKIP LOCKED))
    RETURNING 1
)
SELECT count(*) AS affected, CAST(NULL AS date[]) AS days FROM gone;
