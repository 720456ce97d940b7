-- The day's seller_metrics rows of every tenant, with the seller's name and the top-performer
-- rank: sellers who did something that day (sent a message or converted a lead), by
-- productivity_score desc, then leads_converted desc, then name, then seller_id (deterministic).
SELECT
    m.tenant_id,
    m.seller_id::text AS seller_id,
    COALESCE(s.name, m.seller_id::text) AS seller_name,
    m.conversations_active,
    m.conversations_new,
    m.conversations_unanswered,
    m.messages_sent,
    m.replies,
    m.avg_response_time_minutes,
    m.leads_generated,
    m.leads_converted,
    m.hot_leads_open,
    m.follow_ups_due,
    m.productivity_score,
    m.activity_level,
    CASE WHEN m.messages_sent > 0 OR m.leads_converted > 0 THEN
        row_number() OVER (
            PARTITION BY m.tenant_id, (m.messages_sent > 0 OR m.leads_converted > 0)
            ORDER BY m.productivity_score DESC, m.leads_converted DESC, COALESCE(s.name, ''), m.seller_id
        )
    END AS performer_rank
FROM seller_metrics m
LEFT JOIN sellers s ON s.id = m.seller_id
WHERE m.period = :day
ORDER BY m.tenant_id, COALESCE(s.name, ''), m.seller_id;
