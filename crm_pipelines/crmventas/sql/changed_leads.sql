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
    SELECT l.id, NULL
    FROM (SELECT DISTINCT m.tenant_id, m.from_number FROM messages AS m
          WHERE m.conversation_id = ANY(CAST(:thread_ids AS uuid[]))) AS t
    -- a lookup per thread (OFFSET 0 keeps the planner from turning it into a join): estimating
    -- the threads' phones at twenty times their number, it hashed them against a scan of every
    -- lead, which grows with the history (35,000 pages a quarter hour at 1 million leads)
    CROSS JOIN LATERAL (SELECT x.id FROM crmventas_leads AS x
                        WHERE x.tenant_id = t.tenant_id AND x.phone_number = t.from_number OFFSET 0) AS l
)
SELECT array_agg(DISTINCT id) AS ids, max(at) AS newest, count(*) AS read FROM changed;
