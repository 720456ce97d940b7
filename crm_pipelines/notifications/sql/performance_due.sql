-- The performance-alert sensor's cheap question after a refresh of today's seller_metrics: how
-- many alerts (seller, recipient) are due today (:today) and not in the ledger yet? Same
-- conditions, recipients and ids as performance_alert.sql.
-- Indexes: seller_metrics_period_idx, sellers_pkey, notified_situations_pkey.
SELECT count(*) AS due
FROM seller_metrics AS m
JOIN sellers AS s ON s.id = m.seller_id AND s.tenant_id = m.tenant_id
CROSS JOIN LATERAL (
    SELECT m.seller_id AS recipient_id
    UNION
    SELECT u.id FROM sellers AS u WHERE u.tenant_id = m.tenant_id AND u.is_active AND u.role IN ('manager', 'ceo')
) AS r
WHERE m.period = CAST(:today AS date)
  AND (m.conversations_unanswered > CAST(:max_unanswered AS integer)
       OR m.avg_response_time_minutes > CAST(:max_response_minutes AS double precision))
  AND NOT EXISTS (SELECT 1 FROM notified_situations AS n
                  WHERE n.id = 'performance_' || m.seller_id || '_' || to_char(m.period, 'YYYYMMDD')
                               || '_' || r.recipient_id);
