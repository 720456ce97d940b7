-- Quarter hour :quarter's rows written as CRM Ventas writes new rows: the next ids of its
-- sequences (past every watermark), in their original order. Returns the messages written.
WITH events AS (
    INSERT INTO system_events (tenant_id, user_id, event_type, severity, message, payload, created_at)
    SELECT tenant_id, user_id, event_type, severity, message, payload, created_at
    FROM crm_bench.held_back_events WHERE quarter = :quarter ORDER BY id
    RETURNING 1
),
messages AS (
    INSERT INTO chat_messages (tenant_id, from_number, role, content, created_at, correlation_id, assigned_seller_id,
                               assigned_at, platform, channel_source, external_user_id, updated_at)
    SELECT tenant_id, from_number, role, content, created_at, correlation_id, assigned_seller_id, assigned_at,
           platform, channel_source, external_user_id, updated_at
    FROM crm_bench.held_back_messages WHERE quarter = :quarter ORDER BY id
    RETURNING 1
)
SELECT (SELECT count(*) FROM messages) AS messages, (SELECT count(*) FROM events) AS events;
