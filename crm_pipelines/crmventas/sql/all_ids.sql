-- Every thread and every lead, for a reconciliation or a full resync: each is recomputed and
-- compared with the mirror (only differing rows are written and counted).
SELECT (SELECT array_agg(id) FROM conversations) AS thread_ids,
       (SELECT array_agg(id) FROM crmventas_leads) AS lead_ids;
