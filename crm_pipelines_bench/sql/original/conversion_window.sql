-- Generated and converted over the 30 local days ending on the day.
SELECT count(*) FILTER (WHERE created_at >= :window_start) AS generated,
       count(*) FILTER (WHERE converted_at >= :window_start AND converted_at < :cutoff) AS converted
FROM leads
WHERE assigned_seller_id = :seller_id AND created_at < :cutoff;
