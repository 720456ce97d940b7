SELECT count(DISTINCT c.id) FROM conversations c
JOIN messages m ON m.conversation_id = c.id
WHERE c.assigned_seller_id = :seller_id AND m.tenant_id = :tenant_id AND m.sender_type = 'seller' AND m.seller_id = :seller_id
  AND m.created_at >= :day_start AND m.created_at < :cutoff;
