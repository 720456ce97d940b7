-- Which of the sellers named in Redis cache keys still exist and are active, with their tenant.
SELECT id::text AS seller_id, tenant_id
FROM sellers
WHERE id = ANY(CAST(:seller_ids AS uuid[]))
  AND is_active;
