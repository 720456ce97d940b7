-- The original service's outer loop: the tenant's active sellers, one at a time.
SELECT id FROM sellers WHERE tenant_id = :tenant_id AND is_active ORDER BY id;
