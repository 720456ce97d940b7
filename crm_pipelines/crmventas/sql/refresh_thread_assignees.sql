-- The assignee CRM Ventas now holds on each message of the threads :ids (after an assignment
-- rewrote them), read by primary key. Returns how many rows changed, and in which threads.
WITH changed AS (
    UPDATE messages AS m
    SET row_assignee = cm.assigned_seller_id,
        seller_id = CASE WHEN m.sender_type = 'seller' THEN cm.assigned_seller_id ELSE m.seller_id END
    FROM chat_messages AS cm
    WHERE m.conversation_id = ANY(CAST(:ids AS uuid[]))
      AND cm.id = m.id
      AND m.row_assignee IS DISTINCT FROM cm.assigned_seller_id
    RETURNING m.conversation_id
)
SELECT count(*) AS changed, array_agg(DISTINCT conversation_id) AS thread_ids FROM changed;
