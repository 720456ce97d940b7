-- Indexes for cleanup_job (crm_pipelines/cleanup/sql).

-- Notifications written without expires_at (by the CRM app itself) are removed after
-- NOTIFICATION_RETENTION_DAYS by created_at; notifications_tenant_created_idx leads with tenant_id
-- and cannot serve an age-only range across tenants, and this partial index stays tiny when every
-- row carries expires_at.
CREATE INDEX IF NOT EXISTS notifications_no_expiry_created_idx
    ON notifications (created_at)
    WHERE expires_at IS NULL;
