-- The sensor's cheap question: is there anything for cleanup_job to do? Each EXISTS stops at the
-- first row found through the same index as the batch statement.
SELECT
    EXISTS (SELECT 1 FROM notifications
            WHERE expires_at < CAST(:now AS timestamptz)
              AND type IN ('unanswered', 'hot_lead', 'followup', 'performance_alert')
              AND notification_is_ours(type, id))
        AS expired_notifications,
    -- situations notified before the retention: their notification is gone or going, and the
    -- ledger's row is pruned by cleanup_job once the situation ends
    EXISTS (SELECT 1 FROM notified_situations
            WHERE notified_at < CAST(:notification_cutoff AS timestamptz))
        AS old_notified_situations,
    EXISTS (SELECT 1 FROM conversations
            WHERE status = 'active'
              AND (last_message_time < CAST(:conversation_cutoff AS timestamptz)
                   OR (last_message_time IS NULL AND created_at < CAST(:conversation_cutoff AS timestamptz))))
        AS idle_conversations,
    (CAST(:metrics_cutoff_day AS date) IS NOT NULL
     AND EXISTS (SELECT 1 FROM seller_metrics WHERE period < CAST(:metrics_cutoff_day AS date)))
        AS old_seller_metrics,
    (CAST(:reports_cutoff_day AS date) IS NOT NULL
     AND EXISTS (SELECT 1 FROM daily_reports WHERE report_date < CAST(:reports_cutoff_day AS date)))
        AS old_daily_reports,
    -- the triggers' rows of seller_conversation_counts for past months not yet folded into one
    -- per key (a reassignment, or the month that just ended); the rebuild folds them
    EXISTS (SELECT 1 FROM seller_conversation_counts
            WHERE month < date_trunc('month', CAST(:now AS timestamptz) AT TIME ZONE 'UTC')::date
            GROUP BY seller_id, tenant_id, month HAVING count(*) > 1)
        AS unfolded_conversation_counts;
