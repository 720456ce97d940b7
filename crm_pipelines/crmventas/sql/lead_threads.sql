-- The threads of the leads :ids (a lead's name and assignee are its thread's fallbacks).
SELECT DISTINCT crm_pipelines_thread_id(l.tenant_id, l.phone_number)
FROM crmventas_leads AS l
WHERE l.id = ANY(CAST(:ids AS uuid[]))
  AND EXISTS (SELECT 1 FROM messages AS m WHERE m.conversation_id = crm_pipelines_thread_id(l.tenant_id, l.phone_number));
