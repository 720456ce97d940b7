-- The active conversations, with what seller_metrics and cleanup take from them, so that
-- reading them is an index-only scan. seller_metrics looks at every active conversation on every
-- refresh (is it waiting for an answer, sql/006's probe): through 003's index that meant reading
-- a heap page per active conversation, 16,000 pages at the benchmark's large scale (0.1 s of a
-- one-day refresh). Same key and predicate as 003's conversations_active_last_message_idx,
-- which it replaces (the `unanswered` rule and cleanup's archiving use it as before). The CRM's
-- update of last_message_time on every message already rewrites this index's entry (the key
-- changes), so the wider entry costs no extra index write.
CREATE INDEX IF NOT EXISTS conversations_active_covering_idx
    ON conversations (last_message_time)
    INCLUDE (id, tenant_id, assigned_seller_id, created_at)
    WHERE status = 'active';
DROP INDEX IF EXISTS conversations_active_last_message_idx;
