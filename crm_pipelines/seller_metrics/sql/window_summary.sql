-- What a write left in seller_metrics for [:start_date, :end_date): rows and active sellers per
-- tenant, the window's latest day, and whether a later day exists (then that one is "latest").
SELECT w.tenant_id,
       count(*) AS rows_written,
       count(DISTINCT w.seller_id) FILTER (WHERE w.messages_sent > 0) AS sellers_active,
       max(w.period) AS latest_period,
       (SELECT max(period) FROM seller_metrics) AS latest_period_in_table
FROM seller_metrics w
WHERE w.period >= CAST(:start_date AS date) AND w.period < CAST(:end_date AS date)
GROUP BY w.tenant_id
ORDER BY w.tenant_id
