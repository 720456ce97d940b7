-- The reconciliation's look at what the id watermark cannot see: a reassignment that rewrote
-- old rows' assigned_seller_id, and rows CRM Ventas deleted. Reads every message once (a full
-- join by primary key): run periodically, not on every sync. Returns the threads to recompute
-- and how many rows each kind of change touched.
WITH reassigned AS (
    UPDATE messages AS m
    SET row_assignee = cm.assigned_seller_id,
        seller_id = CASE WHEN m.sender_type = 'seller' THEN cm.assigned_seller_id ELSE m.seller_id END
    FROM chat_messages AS cm
    WHERE cm.id = m.id AND m.row_assignee IS DISTINCT FROM cm.assigned_seller_id
    RETURNING m.conversation_id
),
deleted AS (
    DELETE FROM messages AS m
    WHERE NOT EXISTS (SELECT 1 FROM chat_messages AS cm WHERE cm.id = m.id)
    RETURNING m.conversation_id
)
SELECT (SELECT array_agg(DISTINCT conversation_id) FROM (SELECT conversation_id FROM reassigned
                                                           UNION ALL SELECT conversation_id FROM deleted) AS x)
           AS thread_ids,
       (SELECT count(*) FROM reassigned) AS reassigned,
       (SELECT count(*) FROM deleted) AS deleted;
