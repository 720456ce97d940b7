SELECT coalesce(sum(extract(epoch FROM last_at - first_at)) / 60.0, 0) FROM (
    SELECT min(m.created_at) AS first_at, max(m.created_at) AS last_at
    FROM conversations c JOIN messages m ON m.conversation_id = c.id
    WHERE c.assigned_seller_id = :seller_id AND m.tenant_id = :tenant_id AND m.created_at >= :day_start AND m.created_at < :cutoff
    GROUP BY c.id
) per_conversation;
