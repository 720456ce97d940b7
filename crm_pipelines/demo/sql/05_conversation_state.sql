-- What the CRM keeps on each conversation: its last customer/seller message, and a status that
-- follows it (quiet for two days: closed mostly, some archived; otherwise active).
UPDATE conversations c
SET last_message_time = lm.created_at,
    last_message_from_customer = lm.sender_type = 'customer',
    status = CASE
        WHEN lm.created_at > (:now)::timestamptz - interval '2 days' THEN 'active'
        WHEN pg_temp.rnd(:seed || 'st' || c.id) < 0.75 THEN 'closed'
        WHEN pg_temp.rnd(:seed || 'st' || c.id) < 0.9 THEN 'archived'
        ELSE 'active' END
FROM (
    SELECT DISTINCT ON (conversation_id) conversation_id, created_at, sender_type
    FROM messages
    WHERE sender_type IN ('customer', 'seller')
    ORDER BY conversation_id, created_at DESC, id DESC
) lm
WHERE lm.conversation_id = c.id;
