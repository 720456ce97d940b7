-- Threads assigned since the system_events watermark :after_id. CRM Ventas assigns a thread by
-- rewriting assigned_seller_id on all its chat_messages rows (no updated_at, no new id: invisible
-- to the message watermark) and logs a `seller_assignment` event with the phone: its id is the
-- watermark that sees assignments. Read by primary key from :after_id (the watermark less a
-- margin). Returns the threads, the newest id, and the events read (all, and past :watermark).
SELECT array_agg(DISTINCT crm_pipelines_thread_id(e.tenant_id, e.payload ->> 'phone'))
           FILTER (WHERE e.event_type = 'seller_assignment' AND e.tenant_id IS NOT NULL
                   AND e.payload ->> 'phone' IS NOT NULL) AS thread_ids,
       max(e.id) AS newest,
       count(*) FILTER (WHERE e.event_type = 'seller_assignment') AS read,
       count(*) FILTER (WHERE e.event_type = 'seller_assignment' AND e.id > CAST(:watermark AS bigint)) AS read_new
FROM system_events AS e
WHERE e.id > CAST(:after_id AS bigint);
