-- CRM-side, whatever CRM_SOURCE: indexes on the CRM app's own `notifications` table, where the
-- rules write (SPEC 2). Built like sql/crm/<source>/indexes.sql: CREATE INDEX CONCURRENTLY, one at
-- a time, an invalid leftover rebuilt. Runs with search_path = CRM_SCHEMA.

-- cleanup: our expired notifications in batches.
CREATE INDEX CONCURRENTLY IF NOT EXISTS notifications_expires_idx
    ON notifications (expires_at);
-- the report's alerts_summary: a tenant's notifications of a day.
CREATE INDEX CONCURRENTLY IF NOT EXISTS notifications_tenant_created_idx
    ON notifications (tenant_id, created_at);
-- the bell's counts after a check (notification_count_update): a recipient's notifications.
CREATE INDEX CONCURRENTLY IF NOT EXISTS notifications_recipient_idx
    ON notifications (recipient_id);
