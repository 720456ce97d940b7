-- The conversations of the threads :ids, or of every thread from :from_thread up to :to_thread
-- (a bulk load's slice of the id space: no id list to pass), recomputed from the messages mirror: one per
-- (tenant_id, from_number). Assignee: the thread's latest row that names one (CRM Ventas writes
-- the assignee on the thread's rows; new rows may leave it null), else its lead's. Customer name:
-- its lead's name, else the phone. last_message_time / last_message_from_customer: of the last
-- customer or seller message (bot and system lines answer nobody, SPEC 2). Status: CRM Ventas
-- has none; a thread whose last message (else its first) is older than :archive_cutoff (the
-- newest mirrored message less CONVERSATION_ARCHIVE_DAYS) is `archived`, as cleanup archives a
-- SPEC conversation idle that long, else `active`. Then the thread's seller messages without an
-- assignee of their own are attributed to the thread's assignee. Returns threads and messages
-- written. Index: messages_conversation_created_idx, leads_phone_idx.
-- A slice's bounds are subselects, which the planner cannot look up in the statistics: it has
-- no way to interpolate between uuids, so a slice narrower than one histogram bucket (about 1%
-- of the id space; a bulk load of 29.7 million messages has 119 slices) was estimated at one
-- row, and the attribution below became a nested loop of the slice's seller rows over its
-- threads (minutes a slice). Unknown bounds get the planner's default range estimate instead,
-- near enough at any size for its hash join.
WITH threads AS (
    SELECT m.conversation_id AS id, min(m.tenant_id) AS tenant_id, min(m.from_number) AS phone,
           min(m.created_at) AS created_at,
           max(m.created_at) FILTER (WHERE m.sender_type IN ('customer', 'seller')) AS last_message_time,
           (array_agg(m.sender_type ORDER BY m.created_at DESC, m.id DESC)
                FILTER (WHERE m.sender_type IN ('customer', 'seller')))[1] = 'customer' AS last_from_customer,
           (array_agg(m.row_assignee ORDER BY m.id DESC) FILTER (WHERE m.row_assignee IS NOT NULL))[1] AS row_assignee,
           (array_agg(m.channel ORDER BY m.id DESC) FILTER (WHERE m.channel IS NOT NULL))[1] AS channel
    FROM messages AS m
    WHERE (CAST(:ids AS uuid[]) IS NULL OR m.conversation_id = ANY(CAST(:ids AS uuid[])))
      AND (CAST(:from_thread AS uuid) IS NULL OR m.conversation_id >= (SELECT CAST(:from_thread AS uuid)))
      AND (CAST(:to_thread AS uuid) IS NULL OR m.conversation_id < (SELECT CAST(:to_thread AS uuid)))
    GROUP BY m.conversation_id
),
named AS (
    SELECT t.*, l.name AS lead_name, l.assigned_seller_id AS lead_assignee
    FROM threads AS t
    LEFT JOIN LATERAL (
        SELECT nullif(trim(concat_ws(' ', cl.first_name, cl.last_name)), '') AS name, x.assigned_seller_id
        FROM leads AS x
        JOIN crmventas_leads AS cl ON cl.id = x.id
        WHERE x.tenant_id = t.tenant_id AND x.phone_number = t.phone
        ORDER BY x.created_at DESC
        LIMIT 1
    ) AS l ON true
),
written AS (
    INSERT INTO conversations AS c (id, tenant_id, customer_name, channel, assigned_seller_id, status, created_at,
                                    last_message_time, last_message_from_customer, customer_phone)
    SELECT n.id, n.tenant_id, coalesce(n.lead_name, n.phone), coalesce(n.channel, 'whatsapp'),
           coalesce(n.row_assignee, n.lead_assignee),
           CASE WHEN coalesce(n.last_message_time, n.created_at) < CAST(:archive_cutoff AS timestamptz)
                THEN 'archived' ELSE 'active' END,
           n.created_at, n.last_message_time,
           coalesce(n.last_from_customer, false), n.phone
    FROM named AS n
    ON CONFLICT (id) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, customer_name = EXCLUDED.customer_name,
        channel = EXCLUDED.channel, assigned_seller_id = EXCLUDED.assigned_seller_id, status = EXCLUDED.status,
        created_at = EXCLUDED.created_at, last_message_time = EXCLUDED.last_message_time,
        last_message_from_customer = EXCLUDED.last_message_from_customer
    WHERE (c.tenant_id, c.customer_name, c.channel, c.assigned_seller_id, c.status, c.created_at,
           c.last_message_time, c.last_message_from_customer)
          IS DISTINCT FROM (EXCLUDED.tenant_id, EXCLUDED.customer_name, EXCLUDED.channel, EXCLUDED.assigned_seller_id,
                            EXCLUDED.status, EXCLUDED.created_at, EXCLUDED.last_message_time,
                            EXCLUDED.last_message_from_customer)
    RETURNING c.id
),
attributed AS (
    UPDATE messages AS m
    SET seller_id = coalesce(m.row_assignee, coalesce(n.row_assignee, n.lead_assignee))
    FROM named AS n
    WHERE m.conversation_id = n.id
      AND m.sender_type = 'seller'
      -- the slice's bounds again: read through the index, not the whole mirror for each slice
      AND (CAST(:from_thread AS uuid) IS NULL OR m.conversation_id >= (SELECT CAST(:from_thread AS uuid)))
      AND (CAST(:to_thread AS uuid) IS NULL OR m.conversation_id < (SELECT CAST(:to_thread AS uuid)))
      AND m.seller_id IS DISTINCT FROM coalesce(m.row_assignee, coalesce(n.row_assignee, n.lead_assignee))
    RETURNING 1
)
SELECT (SELECT count(*) FROM written) AS conversations, (SELECT count(*) FROM attributed) AS messages;
