-- Team totals per tenant and day over the 14 days ending :day (the chart's trend, the day itself
-- and the 7 days before it as the baseline). Days without seller_metrics rows come back with
-- has_metrics = false so the caller can tell "no data" from "zero".
WITH per_day AS (
    SELECT
        tenant_id,
        period,
        sum(conversations_active) AS total_conversations,
        sum(conversations_new) AS new_conversations,
        sum(leads_generated) AS new_leads,
        sum(leads_converted) AS converted_leads,
        sum(messages_sent) AS messages_sent,
        sum(replies) AS replies,
        -- avg over all the team's replies = sum of per-seller means weighted by their replies
        sum(avg_response_time_minutes * replies) FILTER (WHERE replies > 0) AS response_minutes_total,
        sum(conversations_unanswered) AS conversations_unanswered,
        sum(hot_leads_open) AS hot_leads_open,
        sum(follow_ups_due) AS follow_ups_due,
        count(*) AS sellers,
        count(*) FILTER (WHERE messages_sent > 0) AS active_sellers
    FROM seller_metrics
    WHERE period BETWEEN CAST(:day AS date) - 13 AND CAST(:day AS date)
    GROUP BY tenant_id, period
)
SELECT
    t.id AS tenant_id,
    d.day::date AS day,
    p.period IS NOT NULL AS has_metrics,
    COALESCE(p.total_conversations, 0) AS total_conversations,
    COALESCE(p.new_conversations, 0) AS new_conversations,
    COALESCE(p.new_leads, 0) AS new_leads,
    COALESCE(p.converted_leads, 0) AS converted_leads,
    COALESCE(p.messages_sent, 0) AS messages_sent,
    COALESCE(p.replies, 0) AS replies,
    COALESCE(p.response_minutes_total, 0) AS response_minutes_total,
    COALESCE(p.conversations_unanswered, 0) AS conversations_unanswered,
    COALESCE(p.hot_leads_open, 0) AS hot_leads_open,
    COALESCE(p.follow_ups_due, 0) AS follow_ups_due,
    COALESCE(p.sellers, 0) AS sellers,
    COALESCE(p.active_sellers, 0) AS active_sellers
FROM tenants t
CROSS JOIN generate_series(CAST(:day AS date) - 13, CAST(:day AS date), interval '1 day') AS d(day)
LEFT JOIN per_day p ON p.tenant_id = t.id AND p.period = d.day::date
ORDER BY t.id, d.day;
