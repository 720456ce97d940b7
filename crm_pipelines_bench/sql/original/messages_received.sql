SELECT count(*) FROM messages m
JOIN conversations c ON c.id = m.conversation_id
WHERE c.assigned_seller_id = :seller_id AND m.tenant_id = :tenant_id AND m.sender_type = 'customer'
  AND m.created_at >= :day_start AND m.created_at < :cutoff;
