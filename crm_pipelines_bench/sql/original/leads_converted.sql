SELECT count(*) FROM leads
WHERE assigned_seller_id = :seller_id AND converted_at >= :day_start AND converted_at < :cutoff
  AND created_at < :cutoff;
