-- CRM-side: the triggers on the CRM's `conversations` that keep seller_conversation_counts
-- (sql/003). Applied once (recorded in our schema_migrations) after 003, in one transaction.
-- CREATE TRIGGER takes a SHARE ROW EXCLUSIVE lock on `conversations`: the CRM's writes wait for
-- the moment it takes to count its conversations once; reads never wait.
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
