SELECT count(*) FROM conversations c
CROSS JOIN LATERAL (
    SELECT sender_type, created_at FROM messages m
    WHERE m.conversation_id = c.id AND m.sender_type IN ('customer', 'seller') AND m.created_at < :cutoff
    ORDER BY m.created_at DESC, m.id DESC LIMIT 1
) last_message
WHERE c.assigned_seller_id = :seller_id AND c.status = 'active' AND c.created_at < :cutoff
  AND last_message.sender_type = 'customer'
  AND last_message.created_at < :cutoff - make_interval(secs => :unanswered_hours * 3600);
