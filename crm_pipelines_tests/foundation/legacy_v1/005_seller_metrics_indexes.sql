-- seller_metrics.conversations_total counts every conversation assigned to a seller up to the
-- cut-off, within the seller's own tenant (a conversation of another tenant counts for nobody).
-- With the tenant in the key that count is an index-only scan per seller; with the index of
-- 003 alone PostgreSQL visits one heap page per conversation (all of a seller's history, every
-- refresh). Measured on 1,000 sellers x 330k conversations: 0.25 s instead of 1.4 s.
CREATE INDEX IF NOT EXISTS conversations_seller_tenant_created_idx
    ON conversations (assigned_seller_id, tenant_id, created_at);
