-- Rule `performance_alert` (SPEC 3) for every tenant at once: today's seller_metrics row (local
-- day :today) with too many unanswered conversations or too slow an average response. Sent to
-- the tenant's managers (recipient NULL); one per seller and day (the id carries the day).
-- Index: seller_metrics_period_idx.
INSERT INTO notifications (id, tenant_id, type, title, message, priority, recipient_id,
                           related_entity_type, related_entity_id, metadata, created_at, expires_at)
SELECT 'performance_' || m.seller_id || '_' || to_char(m.period, 'YYYYMMDD'),
       m.tenant_id,
       'performance_alert',
       format(:t_performance_alert_title, coalesce(s.name, :t_unknown_seller)),
       format(:t_performance_alert_message, coalesce(s.name, :t_unknown_seller), m.conversations_unanswered,
              coalesce(CAST(round(CAST(m.avg_response_time_minutes AS numeric), 1) AS text), :t_no_value),
              CAST(:max_unanswered AS integer), trim_scale(CAST(:max_response_minutes AS numeric))),
       CASE WHEN m.conversations_unanswered > CAST(:max_unanswered AS integer)
                 AND m.avg_response_time_minutes > CAST(:max_response_minutes AS double precision)
            THEN 'critical' ELSE 'high' END,
       NULL,
       'seller',
       m.seller_id::text,
       jsonb_build_object('seller_name', s.name, 'period', m.period,
                          'conversations_unanswered', m.conversations_unanswered,
                          'avg_response_time_minutes', m.avg_response_time_minutes,
                          'max_unanswered', CAST(:max_unanswered AS integer),
                          'max_response_minutes', CAST(:max_response_minutes AS numeric)),
       CAST(:as_of AS timestamptz),
       CAST(:as_of AS timestamptz) + make_interval(days => CAST(:retention_days AS integer))
FROM seller_metrics AS m
LEFT JOIN sellers AS s ON s.id = m.seller_id
WHERE m.period = CAST(:today AS date)
  AND (m.conversations_unanswered > CAST(:max_unanswered AS integer)
       OR m.avg_response_time_minutes > CAST(:max_response_minutes AS double precision))
ON CONFLICT (id) DO NOTHING
RETURNING id;
