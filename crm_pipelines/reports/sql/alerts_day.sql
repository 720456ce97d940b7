-- Notifications created on the local day :day (CRM_TIMEZONE :tz), per tenant and type. Per-tenant
-- lateral counts so each one is a range scan of notifications_tenant_created_idx.
SELECT t.id AS tenant_id, c.type, c.created
FROM tenants t
CROSS JOIN LATERAL (
    SELECT n.type, count(*) AS created
    FROM notifications n
    WHERE n.tenant_id = t.id
      AND n.created_at >= (CAST(:day AS date)::timestamp AT TIME ZONE :tz)
      AND n.created_at < ((CAST(:day AS date) + 1)::timestamp AT TIME ZONE :tz)
    GROUP BY n.type
) AS c
ORDER BY t.id, c.type;
