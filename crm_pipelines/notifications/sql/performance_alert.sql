-- Rule `performance_alert` (SPEC 3) for every tenant at once: today's seller_metrics row (local
-- day :today) of a seller of that tenant with too many unanswered conversations or too slow an
-- average response. One row per recipient, the seller and each active manager and CEO of the
-- tenant, each in its own recipient's list and bell (the CRM lists notifications by
-- recipient_id); the id carries the day and the recipient, so each of them is told once a day.
-- The alert names no entity the CRM frontend could not open (related_entity_type NULL; the
-- seller is in metadata). Ledger, claim and outbox as in unanswered.sql.
-- Index: seller_metrics_period_idx, sellers_pkey, notified_situations_pkey.
WITH over_limit AS MATERIALIZED (
    SELECT m.tenant_id, m.seller_id, m.period, m.conversations_unanswered, m.avg_response_time_minutes,
           s.name AS seller_name
    FROM seller_metrics AS m
    JOIN sellers AS s ON s.id = m.seller_id AND s.tenant_id = m.tenant_id
    WHERE m.period = CAST(:today AS date)
      AND (m.conversations_unanswered > CAST(:max_unanswered AS integer)
           OR m.avg_response_time_minutes > CAST(:max_response_minutes AS double precision))
),
due AS MATERIALIZED (
    SELECT x.id, o.*, r.recipient_id
    FROM over_limit AS o
    CROSS JOIN LATERAL (
        SELECT o.seller_id AS recipient_id
        UNION
        SELECT u.id FROM sellers AS u
        WHERE u.tenant_id = o.tenant_id AND u.is_active AND u.role IN ('manager', 'ceo')
    ) AS r
    CROSS JOIN LATERAL (
        SELECT 'performance_' || o.seller_id || '_' || to_char(o.period, 'YYYYMMDD') || '_' || r.recipient_id AS id
    ) AS x
    LEFT JOIN LATERAL (
        SELECT true AS notified FROM notified_situations AS n WHERE n.id = x.id LIMIT 1
    ) AS done ON true
    WHERE done.notified IS NULL
),
claimed AS (
    INSERT INTO notified_situations (id, tenant_id, type, notified_at)
    SELECT d.id, d.tenant_id, 'performance_alert', CAST(:as_of AS timestamptz) FROM due AS d
    ON CONFLICT (id) DO NOTHING
    RETURNING id
),
created AS (
    INSERT INTO notifications (id, tenant_id, type, title, message, priority, recipient_id,
                               related_entity_type, related_entity_id, metadata, created_at, expires_at)
    SELECT d.id,
           d.tenant_id,
           'performance_alert',
           format(:t_performance_alert_title, coalesce(d.seller_name, :t_unknown_seller)),
           format(:t_performance_alert_message, coalesce(d.seller_name, :t_unknown_seller),
                  format(CASE WHEN d.conversations_unanswered = 1 THEN :t_unanswered_conversations_one
                              ELSE :t_unanswered_conversations_other END, n.unanswered),
                  coalesce(n.avg_minutes, :t_no_value),
                  format(CASE WHEN CAST(:max_unanswered AS integer) = 1 THEN :t_conversations_one
                              ELSE :t_conversations_other END, n.max_unanswered),
                  n.max_minutes),
           CASE WHEN d.conversations_unanswered > CAST(:max_unanswered AS integer)
                     AND d.avg_response_time_minutes > CAST(:max_response_minutes AS double precision)
                THEN 'critical' ELSE 'high' END,
           d.recipient_id,
           NULL,
           NULL,
           jsonb_build_object('seller_id', d.seller_id, 'seller_name', d.seller_name, 'period', d.period,
                              'conversations_unanswered', d.conversations_unanswered,
                              'avg_response_time_minutes', d.avg_response_time_minutes,
                              'max_unanswered', CAST(:max_unanswered AS integer),
                              'max_response_minutes', CAST(:max_response_minutes AS numeric)),
           CAST(:as_of AS timestamptz),
           CAST(:as_of AS timestamptz) + make_interval(days => CAST(:retention_days AS integer))
    FROM due AS d
    JOIN claimed ON claimed.id = d.id
    -- The numbers as a person reads them (texts.py): REPORT_LANGUAGE's separators, no ".0".
    CROSS JOIN LATERAL (
        SELECT translate(to_char(d.conversations_unanswered, 'FM999,999,999,990'), ',', left(:t_separators, 1))
                   AS unanswered,
               translate(rtrim(to_char(round(CAST(d.avg_response_time_minutes AS numeric), 1),
                                       'FM999,999,999,990.9'), '.'), ',.', :t_separators) AS avg_minutes,
               translate(to_char(CAST(:max_unanswered AS bigint), 'FM999,999,999,999,990'), ',',
                         left(:t_separators, 1)) AS max_unanswered,
               translate(rtrim(to_char(CAST(:max_response_minutes AS numeric), 'FM999,999,999,990.999999'), '.'),
                         ',.', :t_separators) AS max_minutes
    ) AS n
    ON CONFLICT (id) DO NOTHING
    RETURNING id
)
INSERT INTO notification_outbox (id, queued_at)
SELECT created.id, CAST(:as_of AS timestamptz) FROM created
ON CONFLICT (id) DO NOTHING
RETURNING id;
