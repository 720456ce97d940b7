-- seller_conversation_counts (sql/009) recounted from `conversations`, in ONE statement so both
-- are read in the same snapshot: every row it can see is replaced by the true count per
-- (tenant, seller, month). Rows written by CRM transactions still running are not visible to it,
-- nor are their conversations: they stay and add up as before. Folds the triggers' small rows
-- into one per key as well. `corrected` counts the keys whose recorded sum was wrong, which only
-- happens when the triggers were bypassed (session_replication_role = replica, a restore with
-- triggers disabled, ALTER TABLE ... DISABLE TRIGGER).
WITH recorded AS (
    DELETE FROM seller_conversation_counts
    RETURNING tenant_id, seller_id, month, conversations
),
recorded_sums AS (
    SELECT tenant_id, seller_id, month, sum(conversations) AS conversations
    FROM recorded
    GROUP BY tenant_id, seller_id, month
),
actual AS (
    SELECT tenant_id, assigned_seller_id AS seller_id, crm_pipelines_conversation_month(created_at) AS month,
           count(*) AS conversations
    FROM conversations
    WHERE assigned_seller_id IS NOT NULL
    GROUP BY 1, 2, 3
),
written AS (
    INSERT INTO seller_conversation_counts (tenant_id, seller_id, month, conversations)
    SELECT tenant_id, seller_id, month, conversations FROM actual
    ORDER BY seller_id, tenant_id, month
    RETURNING 1
)
SELECT (SELECT count(*) FROM written) AS keys,
       (SELECT count(*) FROM recorded) AS rows_folded,
       (SELECT count(*)
        FROM actual a
        FULL JOIN recorded_sums r USING (tenant_id, seller_id, month)
        WHERE coalesce(a.conversations, 0) <> coalesce(r.conversations, 0)) AS corrected
