-- seller_metrics: leads generated / converted per seller over the 30 days behind a window
-- (conversion rate). A lead counts for its seller within its own tenant, so the tenant is in
-- the key and the lookup is an index-only scan per seller; with 003's indexes PostgreSQL read
-- the heap for the tenant (or scanned all of `leads`: 0.13 s of a one-day refresh at the
-- benchmark's large scale, a million leads). These replace 003's two indexes (same leading
-- column: every query that used them can use these).
CREATE INDEX IF NOT EXISTS leads_seller_tenant_created_idx
    ON leads (assigned_seller_id, tenant_id, created_at);
DROP INDEX IF EXISTS leads_seller_created_idx;

CREATE INDEX IF NOT EXISTS leads_seller_tenant_converted_idx
    ON leads (assigned_seller_id, tenant_id, converted_at)
    WHERE converted_at IS NOT NULL;
DROP INDEX IF EXISTS leads_seller_converted_idx;
