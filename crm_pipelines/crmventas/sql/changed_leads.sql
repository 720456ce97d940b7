-- Which leads changed since :since (the last sync's watermark less a margin for transactions
-- that committed late): the lead itself (updated_at), its notes (written or edited), its tasks
-- (created, moved, completed), its status history, and leads of the threads :thread_ids (a new
-- message may be a contact). All read through indexes (sql/crm/crmventas/indexes.sql, and CRM
-- Ventas's idx_leads_tenant_phone). Also returns the newest change seen: the next watermark.
WITH changed AS (
    SELECT l.id, l.updated_at AS at FROM crmventas_leads AS l WHERE l.updated_at > CAST(:since AS timestamptz)
    UNION ALL
    SELECT n.lead_id, n.updated_at FROM lead_notes AS n WHERE n.updated_at > CAST(:since AS timestamptz)
    UNION ALL
    SELECT t.lead_id, t.updated_at FROM lead_tasks AS t
    WHERE t.updated_at > CAST(:since AS timestamptz) AND t.lead_id IS NOT NULL
    UNION ALL
    SELECT h.lead_id, h.created_at FROM lead_status_history AS h WHERE h.created_at > CAST(:since AS timestamptz)
    UNION ALL
    SELECT l.id, NULL FROM crmventas_leads AS l
    JOIN conversations AS c ON c.tenant_id = l.tenant_id AND c.customer_phone = l.phone_number
    WHERE c.id = ANY(CAST(:thread_ids AS uuid[]))
)
SELECT array_agg(DISTINCT id) AS ids, max(at) AS newest, count(*) AS read FROM changed;
