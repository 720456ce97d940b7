-- The leads :ids recomputed from CRM Ventas (docs/crmventas-mapping.md):
--   status: SPEC's word for CRM Ventas's (crmventas_lead_statuses; an unknown one is kept as is);
--   conversion_probability = close_probability / 100;
--   conversation_id: the thread of (tenant_id, phone_number), when one exists;
--   last_contact_time: the latest of a seller's message in that thread and a call or follow-up
--     note (lead_notes post_call / follow_up, not deleted);
--   next_follow_up: the earliest of the latest follow-up note's next_contact_date, a task not
--     completed (due_date) and an agenda event still scheduled (start_datetime);
--   converted_at: leads.converted_at when CRM Ventas wrote it, else the first move to a won
--     status in lead_status_history, else status_changed_at of a lead that is won.
-- A lead gone from CRM Ventas is deleted from the mirror. Returns the leads written and deleted.
WITH wanted AS (
    SELECT id FROM unnest(CAST(:ids AS uuid[])) AS w (id)
),
source AS (
    SELECT l.id, l.tenant_id,
           CASE WHEN EXISTS (SELECT 1 FROM messages AS m
                             WHERE m.conversation_id = crm_pipelines_thread_id(l.tenant_id, l.phone_number))
                THEN crm_pipelines_thread_id(l.tenant_id, l.phone_number) END AS conversation_id,
           l.assigned_seller_id,
           coalesce(s.status, lower(coalesce(l.status, 'new'))) AS status,
           l.close_probability / 100 AS conversion_probability,
           coalesce(l.created_at, CAST(:now AS timestamptz)) AS created_at,
           nullif(greatest(
               (SELECT max(m.created_at) FROM messages AS m
                WHERE m.conversation_id = crm_pipelines_thread_id(l.tenant_id, l.phone_number)
                  AND m.sender_type = 'seller'),
               (SELECT max(n.created_at) FROM lead_notes AS n
                WHERE n.lead_id = l.id AND n.note_type IN ('post_call', 'follow_up') AND NOT coalesce(n.is_deleted, false)),
               '-infinity'::timestamptz), '-infinity'::timestamptz) AS last_contact_time,
           nullif(least(
               -- a date alone is the start of that day in CRM_TIMEZONE; anything unreadable is no date
               (SELECT CASE WHEN d.value ~ '^\d{4}-\d{2}-\d{2}$'
                            THEN CAST(d.value AS date) AT TIME ZONE :timezone
                            WHEN d.value ~ '^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}' THEN CAST(d.value AS timestamptz) END
                FROM lead_notes AS n
                CROSS JOIN LATERAL (SELECT n.structured_data ->> 'next_contact_date' AS value) AS d
                WHERE n.lead_id = l.id AND NOT coalesce(n.is_deleted, false)
                  AND n.structured_data ? 'next_contact_date'
                ORDER BY n.created_at DESC LIMIT 1),
               (SELECT min(t.due_date) FROM lead_tasks AS t
                WHERE t.lead_id = l.id AND coalesce(t.status, 'pending') <> 'completed'),
               (SELECT min(e.start_datetime) FROM seller_agenda_events AS e
                WHERE e.lead_id = l.id AND coalesce(e.status, 'scheduled') = 'scheduled'),
               'infinity'::timestamptz), 'infinity'::timestamptz) AS next_follow_up,
           coalesce(l.converted_at,
                    (SELECT min(h.created_at) FROM lead_status_history AS h
                     JOIN crmventas_lead_statuses AS hs ON hs.crm_status = lower(h.to_status_code)
                     WHERE h.lead_id = l.id AND hs.status = 'closed_won'),
                    CASE WHEN s.status = 'closed_won' THEN l.status_changed_at END) AS converted_at,
           l.phone_number, l.status AS crm_status
    FROM crmventas_leads AS l
    JOIN wanted ON wanted.id = l.id
    LEFT JOIN crmventas_lead_statuses AS s ON s.crm_status = lower(l.status)
),
written AS (
    INSERT INTO leads AS m (id, tenant_id, conversation_id, assigned_seller_id, status, conversion_probability,
                            created_at, last_contact_time, next_follow_up, converted_at, phone_number, crm_status)
    SELECT * FROM source
    ON CONFLICT (id) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, conversation_id = EXCLUDED.conversation_id,
        assigned_seller_id = EXCLUDED.assigned_seller_id, status = EXCLUDED.status,
        conversion_probability = EXCLUDED.conversion_probability, created_at = EXCLUDED.created_at,
        last_contact_time = EXCLUDED.last_contact_time, next_follow_up = EXCLUDED.next_follow_up,
        converted_at = EXCLUDED.converted_at, phone_number = EXCLUDED.phone_number, crm_status = EXCLUDED.crm_status
    WHERE (m.tenant_id, m.conversation_id, m.assigned_seller_id, m.status, m.conversion_probability, m.created_at,
           m.last_contact_time, m.next_follow_up, m.converted_at, m.phone_number, m.crm_status)
          IS DISTINCT FROM (EXCLUDED.tenant_id, EXCLUDED.conversation_id, EXCLUDED.assigned_seller_id, EXCLUDED.status,
                            EXCLUDED.conversion_probability, EXCLUDED.created_at, EXCLUDED.last_contact_time,
                            EXCLUDED.next_follow_up, EXCLUDED.converted_at, EXCLUDED.phone_number, EXCLUDED.crm_status)
    RETURNING 1
),
gone AS (
    DELETE FROM leads AS m
    USING wanted
    WHERE m.id = wanted.id AND NOT EXISTS (SELECT 1 FROM crmventas_leads AS l WHERE l.id = m.id)
    RETURNING 1
)
SELECT (SELECT count(*) FROM written) AS written, (SELECT count(*) FROM gone) AS deleted;
