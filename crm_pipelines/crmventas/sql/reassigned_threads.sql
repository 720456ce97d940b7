-- Threads assigned since the system_events watermark :after_id. CRM Ventas assigns a thread by
-- rewriting assigned_seller_id on all its chat_messages rows (no updated_at, no new id: invisible
-- to the message watermark) and logs a `seller_assignment` event with the phone and the seller:
-- its id is the watermark that sees assignments. Read by primary key from :after_id (the
-- watermark less a margin for late commits). Returns the threads to read again: those of events
-- past :watermark, and those of the margin whose latest event names another seller than the
-- mirror's conversation holds (the others were applied by an earlier sync: reading their rows
-- again would cost every sync the whole margin's threads); the newest id; the events read (all,
-- and past :watermark).
WITH events AS (
    SELECT e.id, crm_pipelines_thread_id(e.tenant_id, e.payload ->> 'phone') AS thread_id,
           e.payload ->> 'seller_id' AS seller_id, e.id > CAST(:watermark AS bigint) AS is_new
    FROM system_events AS e
    WHERE e.id > CAST(:after_id AS bigint) AND e.event_type = 'seller_assignment'
      AND e.tenant_id IS NOT NULL AND e.payload ->> 'phone' IS NOT NULL
),
latest AS (
    SELECT DISTINCT ON (thread_id) thread_id, seller_id, is_new
    FROM events
    ORDER BY thread_id, id DESC
)
SELECT (SELECT array_agg(l.thread_id) FROM latest AS l
        WHERE l.is_new OR NOT EXISTS (SELECT 1 FROM conversations AS c
                                      WHERE c.id = l.thread_id AND CAST(c.assigned_seller_id AS text) = l.seller_id))
           AS thread_ids,
       (SELECT array_agg(DISTINCT thread_id) FROM events WHERE is_new) AS new_thread_ids,
       (SELECT max(e.id) FROM system_events AS e WHERE e.id > CAST(:after_id AS bigint)) AS newest,
       (SELECT count(*) FROM events) AS read,
       (SELECT count(*) FROM events WHERE is_new) AS read_new;
