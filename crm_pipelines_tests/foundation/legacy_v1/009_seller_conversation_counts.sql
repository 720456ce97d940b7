-- seller_metrics.conversations_total without counting every conversation on every refresh.
--
-- conversations_total is a count of all of a seller's conversations up to the cut-off: at the
-- benchmark's large scale that is 2.6 million index entries, about 0.3 s of every 15-minute
-- refresh, growing with the CRM's history. This table holds the same count per
-- (tenant, seller, UTC month of created_at) as additive rows: triggers on `conversations` add
-- +n / -n rows in the writing transaction (so the count is exact in every snapshot, whatever
-- the CRM inserts, reassigns, moves to another tenant, re-dates or deletes), and cleanup_job
-- folds them into one row per key. seller_metrics sums the months before the window's month and
-- counts the conversations of that month itself (a few hundred per seller) from the index.
--
-- Rows are only ever inserted by the triggers (no row is updated), so CRM transactions never
-- wait on each other here. Triggers can be bypassed (session_replication_role = replica, a
-- restore with --disable-triggers, ALTER TABLE ... DISABLE TRIGGER): cleanup_job's rebuild
-- recounts from `conversations` every hour and reports any difference it had to correct.
CREATE TABLE IF NOT EXISTS seller_conversation_counts (
    tenant_id     integer NOT NULL,
    seller_id     uuid NOT NULL,
    month         date NOT NULL,       -- first day of the UTC month of conversations.created_at
    conversations integer NOT NULL     -- a change: +n or -n; summed per key
);
CREATE INDEX IF NOT EXISTS seller_conversation_counts_key_idx
    ON seller_conversation_counts (seller_id, tenant_id, month) INCLUDE (conversations);

CREATE OR REPLACE FUNCTION crm_pipelines_conversation_month(created_at timestamptz) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN date_trunc('month', created_at AT TIME ZONE 'UTC')::date;

CREATE OR REPLACE FUNCTION crm_pipelines_count_conversations() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    -- One row per (tenant, seller, month) the statement changed, in key order (no deadlock
    -- between two statements: they only insert). Conversations with no seller count for nobody.
    IF TG_OP = 'INSERT' THEN
        INSERT INTO seller_conversation_counts (tenant_id, seller_id, month, conversations)
        SELECT n.tenant_id, n.assigned_seller_id, crm_pipelines_conversation_month(n.created_at), count(*)
        FROM added n WHERE n.assigned_seller_id IS NOT NULL
        GROUP BY 1, 2, 3;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO seller_conversation_counts (tenant_id, seller_id, month, conversations)
        SELECT o.tenant_id, o.assigned_seller_id, crm_pipelines_conversation_month(o.created_at), -count(*)
        FROM removed o WHERE o.assigned_seller_id IS NOT NULL
        GROUP BY 1, 2, 3;
    ELSIF TG_OP = 'TRUNCATE' THEN
        DELETE FROM seller_conversation_counts;
    END IF;
    RETURN NULL;
END $$;

-- UPDATE is a row trigger guarded by WHEN, so the CRM's frequent updates of a conversation
-- (last_message_time on every message, status) never call it; only a change of seller, tenant
-- or creation time does.
CREATE OR REPLACE FUNCTION crm_pipelines_recount_conversation() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO seller_conversation_counts (tenant_id, seller_id, month, conversations)
    SELECT x.tenant_id, x.seller_id, x.month, x.conversations
    FROM (VALUES (OLD.tenant_id, OLD.assigned_seller_id, crm_pipelines_conversation_month(OLD.created_at), -1),
                 (NEW.tenant_id, NEW.assigned_seller_id, crm_pipelines_conversation_month(NEW.created_at), 1))
         AS x (tenant_id, seller_id, month, conversations)
    WHERE x.seller_id IS NOT NULL;
    RETURN NULL;
END $$;

-- Installed with the table filled from the conversations already there, under a lock that
-- holds the CRM's writes back for the moment it takes (one count of `conversations`).
LOCK TABLE conversations IN SHARE ROW EXCLUSIVE MODE;
DELETE FROM seller_conversation_counts;
INSERT INTO seller_conversation_counts (tenant_id, seller_id, month, conversations)
SELECT tenant_id, assigned_seller_id, crm_pipelines_conversation_month(created_at), count(*)
FROM conversations WHERE assigned_seller_id IS NOT NULL
GROUP BY 1, 2, 3;

CREATE OR REPLACE TRIGGER crm_pipelines_count_inserted_conversations
    AFTER INSERT ON conversations REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION crm_pipelines_count_conversations();
CREATE OR REPLACE TRIGGER crm_pipelines_count_deleted_conversations
    AFTER DELETE ON conversations REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION crm_pipelines_count_conversations();
CREATE OR REPLACE TRIGGER crm_pipelines_count_truncated_conversations
    AFTER TRUNCATE ON conversations
    FOR EACH STATEMENT EXECUTE FUNCTION crm_pipelines_count_conversations();
CREATE OR REPLACE TRIGGER crm_pipelines_count_moved_conversations
    AFTER UPDATE OF assigned_seller_id, tenant_id, created_at ON conversations
    FOR EACH ROW
    WHEN (OLD.assigned_seller_id IS DISTINCT FROM NEW.assigned_seller_id
          OR OLD.tenant_id IS DISTINCT FROM NEW.tenant_id
          OR OLD.created_at IS DISTINCT FROM NEW.created_at)
    EXECUTE FUNCTION crm_pipelines_recount_conversation();
