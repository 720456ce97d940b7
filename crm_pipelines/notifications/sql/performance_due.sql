-- The performance-alert sensor's cheap question after a refresh of today's seller_metrics: how
-- many sellers are over a limit today (:today) without their alert yet? Same conditions and id
-- as performance_alert.sql. Indexes: seller_metrics_period_idx, notifications_pkey.
SELECT count(*) AS due
FROM seller_metrics AS m
WHERE m.period = CAST(:today AS date)
  AND (m.conversations_unanswered > CAST(:max_unanswered AS integer)
       OR m.avg_response_time_minutes > CAST(:max_response_minutes AS double precision))
  AND NOT EXISTS (SELECT 1 FROM notifications AS n
                  WHERE n.id = 'performance_' || m.seller_id || '_' || to_char(m.period, 'YYYYMMDD'));
