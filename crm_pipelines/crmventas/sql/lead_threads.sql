-- The threads of the leads :ids (a lead's name and assignee are its thread's fallbacks).
SELECT c.id
FROM crmventas_leads AS l
JOIN conversations AS c ON c.id = crm_pipelines_thread_id(l.tenant_id, l.phone_number)
WHERE l.id = ANY(CAST(:ids AS uuid[]));
