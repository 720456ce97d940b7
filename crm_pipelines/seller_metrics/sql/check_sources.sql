-- CRM rows that seller_metrics cannot take at face value (they are skipped or left unattributed,
-- never a reason to stop): counts (0 = pass) and up to five example ids of each kind.
-- Messages are checked over the window [:start_date, :end_date) (the big table, read by its
-- (tenant_id, created_at) index); leads and conversations over the whole table.
WITH win AS NOT MATERIALIZED (
    SELECT CAST(:start_date AS timestamp) AT TIME ZONE :tz AS ws,
           CAST(:end_date AS timestamp) AT TIME ZONE :tz AS we,
           -- a CRM clock a little ahead of ours is not "the future"
           CAST(:now AS timestamptz) + interval '5 minutes' AS future
),
win_msgs AS (
    SELECT m.* FROM win CROSS JOIN tenants t
    JOIN messages m ON m.tenant_id = t.id AND m.created_at >= win.ws AND m.created_at < win.we
),
unknown_senders AS (
    SELECT m.id::text AS what FROM win_msgs m
    WHERE m.sender_type NOT IN ('customer', 'seller', 'bot', 'system')
       OR (m.sender_type = 'seller' AND m.seller_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM sellers s WHERE s.id = m.seller_id AND s.tenant_id = m.tenant_id))
),
sellerless AS (
    SELECT m.id::text AS what FROM win_msgs m WHERE m.sender_type = 'seller' AND m.seller_id IS NULL
),
-- one pass over each of leads and conversations, keeping only the offending rows.
-- A probability outside 0..1 includes numeric 'NaN' and 'Infinity' (PostgreSQL orders both above
-- every number, so "> 1" already holds for them; named here for the reader).
bad_leads AS (
    SELECT l.id, (l.conversion_probability < 0 OR l.conversion_probability > 1) AS bad_probability,
           coalesce(s.tenant_id <> l.tenant_id, false) AS cross_tenant,
           (l.created_at > win.future OR l.converted_at > win.future OR l.last_contact_time > win.future) AS future
    FROM win CROSS JOIN leads l LEFT JOIN sellers s ON s.id = l.assigned_seller_id
    WHERE l.conversion_probability < 0 OR l.conversion_probability > 1 OR s.tenant_id <> l.tenant_id
       OR l.created_at > win.future OR l.converted_at > win.future OR l.last_contact_time > win.future
),
bad_conversations AS (
    SELECT c.id, coalesce(s.tenant_id <> c.tenant_id, false) AS cross_tenant, c.created_at > win.future AS future
    FROM win CROSS JOIN conversations c LEFT JOIN sellers s ON s.id = c.assigned_seller_id
    WHERE s.tenant_id <> c.tenant_id OR c.created_at > win.future
),
bad_probability AS (
    SELECT l.id::text AS what FROM bad_leads l WHERE l.bad_probability
),
cross_tenant AS (
    SELECT 'conversation ' || c.id AS what FROM bad_conversations c WHERE c.cross_tenant
    UNION ALL
    SELECT 'lead ' || l.id FROM bad_leads l WHERE l.cross_tenant
),
future AS (
    SELECT 'message ' || m.id AS what FROM win CROSS JOIN tenants t
    JOIN messages m ON m.tenant_id = t.id AND m.created_at > win.future
    UNION ALL
    SELECT 'conversation ' || c.id FROM bad_conversations c WHERE c.future
    UNION ALL
    SELECT 'lead ' || l.id FROM bad_leads l WHERE l.future
)
SELECT 'lead_probability_in_range' AS check_name, count(*) AS failures,
       (array_agg(what ORDER BY what))[1:5] AS examples FROM bad_probability
UNION ALL
SELECT 'message_senders_known', count(*), (array_agg(what ORDER BY what))[1:5] FROM unknown_senders
UNION ALL
SELECT 'seller_messages_have_seller', count(*), (array_agg(what ORDER BY what))[1:5] FROM sellerless
UNION ALL
SELECT 'assignments_within_tenant', count(*), (array_agg(what ORDER BY what))[1:5] FROM cross_tenant
UNION ALL
SELECT 'no_future_timestamps', count(*), (array_agg(what ORDER BY what))[1:5] FROM future
