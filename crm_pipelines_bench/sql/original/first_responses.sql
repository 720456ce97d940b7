-- Conversations created on the day in which the seller wrote that day: first customer message
-- and the first seller message after it (whoever sent it; the service keeps those the seller sent).
SELECT first_customer.created_at AS asked_at, first_reply.created_at AS answered_at,
       first_reply.seller_id AS answered_by
FROM (
    SELECT DISTINCT conversation_id FROM messages
    WHERE tenant_id = :tenant_id AND sender_type = 'seller' AND seller_id = :seller_id
      AND created_at >= :day_start AND created_at < :cutoff
) written
JOIN conversations c ON c.id = written.conversation_id
CROSS JOIN LATERAL (
    SELECT created_at, id FROM messages
    WHERE conversation_id = c.id AND sender_type = 'customer' AND created_at < :cutoff
    ORDER BY created_at, id LIMIT 1
) first_customer
CROSS JOIN LATERAL (
    SELECT created_at, seller_id FROM messages
    WHERE conversation_id = c.id AND sender_type = 'seller' AND created_at < :cutoff
      AND (created_at, id) > (first_customer.created_at, first_customer.id)
    ORDER BY created_at, id LIMIT 1
) first_reply
WHERE c.created_at >= :day_start AND c.created_at < :cutoff;
