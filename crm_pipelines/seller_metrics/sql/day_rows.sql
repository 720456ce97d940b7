-- One day's rows with the sellers' names: the cache, the metrics_updated events and the preview.
SELECT m.*, s.name AS seller_name
FROM seller_metrics m
JOIN sellers s ON s.id = m.seller_id
WHERE m.period = CAST(:period AS date)
ORDER BY m.tenant_id, m.rank_position NULLS LAST, m.seller_id
