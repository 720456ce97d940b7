-- Every customer/seller message (up to the cut-off) of the conversations the seller wrote in on
-- the day; the service walks them in Python to find turns and replies.
SELECT conversation_id, sender_type, seller_id, created_at FROM messages
WHERE conversation_id IN (
        SELECT conversation_id FROM messages
        WHERE tenant_id = :tenant_id AND sender_type = 'seller' AND seller_id = :seller_id
          AND created_at >= :day_start AND created_at < :cutoff)
  AND sender_type IN ('customer', 'seller') AND created_at < :cutoff
ORDER BY conversation_id, created_at, id;
