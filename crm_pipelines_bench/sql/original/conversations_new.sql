SELECT count(*) FROM conversations
WHERE assigned_seller_id = :seller_id AND created_at >= :day_start AND created_at < :cutoff;
