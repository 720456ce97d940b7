SELECT count(*) FROM messages
WHERE tenant_id = :tenant_id AND sender_type = 'seller' AND seller_id = :seller_id AND created_at >= :day_start AND created_at < :cutoff;
