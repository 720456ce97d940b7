-- The rows of [:start_date, :end_date) against SPEC section 2's invariants: counts of offending
-- rows (0 = pass) and up to five examples of each, as "tenant/seller/day".
WITH days AS (
    SELECT d::date AS day
    FROM generate_series(CAST(:start_date AS timestamp),
                         least(CAST(:end_date AS date) - 1, (CAST(:now AS timestamptz) AT TIME ZONE :tz)::date)::timestamp,
                         interval '1 day') AS d
),
missing AS (
    SELECT s.tenant_id || '/' || s.id || '/' || d.day AS what
    FROM sellers s CROSS JOIN days d
    WHERE s.is_active
      AND NOT EXISTS (SELECT 1 FROM seller_metrics m
                      WHERE m.tenant_id = s.tenant_id AND m.seller_id = s.id AND m.period = d.day)
),
window_rows AS (
    SELECT m.*, m.tenant_id || '/' || m.seller_id || '/' || m.period AS what
    FROM seller_metrics m
    WHERE m.period >= CAST(:start_date AS date) AND m.period < CAST(:end_date AS date)
),
bad_rates AS (
    SELECT what FROM window_rows
    WHERE engagement_rate < 0 OR engagement_rate > 1 OR conversion_rate < 0
       OR productivity_score < 0 OR productivity_score > 10
),
negative_counts AS (
    SELECT what FROM window_rows
    WHERE least(conversations_total, conversations_active, conversations_new, conversations_unanswered,
                messages_sent, messages_received, replies, leads_generated, leads_converted,
                hot_leads_open, follow_ups_due) < 0
       OR least(avg_response_time_minutes, median_response_time_minutes, p90_response_time_minutes,
                first_response_time_minutes, total_chat_time_minutes) < 0
),
replies_over_sent AS (
    SELECT what FROM window_rows WHERE replies > messages_sent
)
SELECT 'rows_for_every_active_seller' AS check_name, (SELECT count(*) FROM days) AS days,
       count(*) AS failures, (array_agg(what ORDER BY what))[1:5] AS examples FROM missing
UNION ALL
SELECT 'rates_in_range', NULL, count(*), (array_agg(what ORDER BY what))[1:5] FROM bad_rates
UNION ALL
SELECT 'counts_non_negative', NULL, count(*), (array_agg(what ORDER BY what))[1:5] FROM negative_counts
UNION ALL
SELECT 'replies_within_messages_sent', NULL, count(*), (array_agg(what ORDER BY what))[1:5] FROM replies_over_sent
