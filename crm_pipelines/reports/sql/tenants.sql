-- Every tenant gets a report, with or without activity that day.
SELECT id AS tenant_id, name AS tenant_name, ceo_email
FROM tenants
ORDER BY id;
