-- One batch of chat_messages after :after_id, up to :upto_id when given (primary key order, at
-- most :batch rows; with :only_missing, only rows the mirror lacks: the reconciliation's catch-up)
-- into the messages mirror, mapped to SPEC (docs/crmventas-mapping.md):
--   role user -> customer; system, tool -> system; assistant -> bot or seller by correlation_id:
--   null (the AI's tools) and auto_... (automations) are bots, manual_send_... and hsm_manual_...
--   (sent by a person from the dashboard) are the seller, a value equal to the correlation_id of
--   a customer message of the same thread is the AI agent's reply (a bot), any other value is the
--   legacy /admin/chat/send route (a person). The customer messages of the batch itself are looked
--   up first in one hashed set (a reply mostly follows its question closely); only the rest probe
--   chat_messages by thread (idx_chat_messages_tenant_from_created), so the result is the same;
--   seller_id: the row's assigned_seller_id (the thread's assignee as the CRM recorded it); a
--   row without one gets the thread's assignee in sync_conversations.sql. With :guess_assignee (a
--   bulk load, where that would rewrite most seller rows) such a row is written with a guess of
--   that assignee: the latest assignee named by the thread's rows in this batch, else its lead's
--   seller (right whenever the thread's rows lie in one batch). sync_conversations.sql still
--   sets every seller row, and rewrites only those guessed wrong;
-- Idempotent (an upsert that writes only rows that differ): re-reading a range is harmless.
-- Returns the rows read (all, and past :start_watermark), the last id read, the rows written and,
-- with :want_threads, the threads of the rows written (a bulk load recomputes every thread anyway).
WITH batch AS (
    SELECT cm.id, coalesce(cm.tenant_id, 1) AS tenant_id, cm.tenant_id AS crm_tenant_id, cm.from_number, cm.role,
           cm.content, cm.created_at, cm.correlation_id, cm.assigned_seller_id, cm.channel_source
    FROM chat_messages AS cm
    WHERE cm.id > CAST(:after_id AS bigint)
      AND (CAST(:upto_id AS bigint) IS NULL OR cm.id <= CAST(:upto_id AS bigint))
      AND (NOT CAST(:only_missing AS boolean) OR NOT EXISTS (SELECT 1 FROM messages AS x WHERE x.id = cm.id))
    ORDER BY cm.id
    LIMIT :batch
),
mapped AS (
    SELECT b.id, b.tenant_id, crm_pipelines_thread_id(b.tenant_id, b.from_number) AS conversation_id,
           CASE
               WHEN b.role = 'user' THEN 'customer'
               WHEN b.role <> 'assistant' THEN 'system'
               WHEN b.correlation_id IS NULL OR b.correlation_id LIKE 'auto\_%' THEN 'bot'
               WHEN b.correlation_id LIKE 'manual\_send\_%' OR b.correlation_id LIKE 'hsm\_manual\_%' THEN 'seller'
               WHEN (b.tenant_id, b.from_number, b.correlation_id) IN (
                        SELECT u.crm_tenant_id, u.from_number, u.correlation_id FROM batch AS u
                        WHERE u.role = 'user' AND u.correlation_id IS NOT NULL) THEN 'bot'
               WHEN EXISTS (SELECT 1 FROM chat_messages AS u
                            WHERE u.tenant_id = b.tenant_id AND u.from_number = b.from_number
                              AND u.role = 'user' AND u.correlation_id = b.correlation_id) THEN 'bot'
               ELSE 'seller'
           END AS sender_type,
           b.content, coalesce(b.created_at, CAST(:now AS timestamptz)) AS created_at, b.from_number,
           b.assigned_seller_id, b.correlation_id, b.channel_source
    FROM batch AS b
),
batch_assignees AS (
    SELECT b.tenant_id, b.from_number,
           (array_agg(b.assigned_seller_id ORDER BY b.id DESC) FILTER (WHERE b.assigned_seller_id IS NOT NULL))[1]
               AS assignee
    FROM batch AS b
    WHERE CAST(:guess_assignee AS boolean)
    GROUP BY b.tenant_id, b.from_number
),
written AS (
    INSERT INTO messages AS m (id, tenant_id, conversation_id, sender_type, seller_id, body, created_at,
                               from_number, row_assignee, correlation_id, channel)
    SELECT mapped.id, mapped.tenant_id, mapped.conversation_id, mapped.sender_type,
           CASE WHEN mapped.sender_type = 'seller' THEN coalesce(mapped.assigned_seller_id, ba.assignee, CASE
               WHEN CAST(:guess_assignee AS boolean) THEN (
                   SELECT l.assigned_seller_id FROM crmventas_leads AS l
                   WHERE l.tenant_id = mapped.tenant_id AND l.phone_number = mapped.from_number
                   ORDER BY l.created_at DESC LIMIT 1) END) END,
           mapped.content, mapped.created_at, mapped.from_number, mapped.assigned_seller_id, mapped.correlation_id,
           mapped.channel_source
    FROM mapped
    LEFT JOIN batch_assignees AS ba ON ba.tenant_id = mapped.tenant_id AND ba.from_number = mapped.from_number
    ON CONFLICT (id) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, conversation_id = EXCLUDED.conversation_id,
        sender_type = EXCLUDED.sender_type, body = EXCLUDED.body, created_at = EXCLUDED.created_at,
        from_number = EXCLUDED.from_number, row_assignee = EXCLUDED.row_assignee,
        correlation_id = EXCLUDED.correlation_id, channel = EXCLUDED.channel,
        seller_id = coalesce(EXCLUDED.seller_id, m.seller_id)
    WHERE (m.tenant_id, m.conversation_id, m.sender_type, m.body, m.created_at, m.row_assignee, m.correlation_id)
          IS DISTINCT FROM (EXCLUDED.tenant_id, EXCLUDED.conversation_id, EXCLUDED.sender_type, EXCLUDED.body,
                            EXCLUDED.created_at, EXCLUDED.row_assignee, EXCLUDED.correlation_id)
    RETURNING m.conversation_id
)
SELECT count(*) AS read, count(*) FILTER (WHERE b.id > CAST(:start_watermark AS bigint)) AS read_new,
       max(b.id) AS last_id, (SELECT count(*) FROM written) AS written,
       CASE WHEN CAST(:want_threads AS boolean)
            THEN (SELECT array_agg(DISTINCT w.conversation_id) FROM written AS w) END AS thread_ids
FROM batch AS b;
