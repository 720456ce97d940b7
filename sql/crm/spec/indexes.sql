-- CRM-side: the indexes the pipelines need on the CRM's tables, each named for the query that
-- needs it. init-db builds each one that is missing with CREATE INDEX CONCURRENTLY, one statement
-- at a time outside any transaction, so the CRM's writes never wait on a build; an invalid index
-- left by an interrupted build is dropped (concurrently) and built again. Nothing here is
-- recorded as applied: every run checks each index by name, so an index an operator dropped
-- comes back and one already there costs nothing. Runs with search_path = CRM_SCHEMA.

-- seller_metrics: messages of a window of days (customer turns, replies, chat time); the range
-- scan on created_at bounds a day's refresh.
CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_tenant_created_idx
    ON messages (tenant_id, created_at);

-- seller_metrics: a window's conversations need their earlier history to find the turn a reply
-- answers (a turn may start before the window).
CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_conversation_created_idx
    ON messages (conversation_id, created_at, id);

-- seller_metrics: where each conversation stood when a window opens (its last customer/seller
-- message, the open customer turn), index-only: the sender is in the index and bot/system lines
-- (which never open or answer a turn) are left out.
CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_conversation_turns_idx
    ON messages (conversation_id, created_at, id) INCLUDE (sender_type)
    WHERE sender_type IN ('customer', 'seller');

-- seller_metrics: conversations_new per seller up to a cut-off.
CREATE INDEX CONCURRENTLY IF NOT EXISTS conversations_seller_created_idx
    ON conversations (assigned_seller_id, created_at);

-- seller_metrics: a conversation counts for its seller within its own tenant; with the tenant in
-- the key the window's month is counted index-only per seller.
CREATE INDEX CONCURRENTLY IF NOT EXISTS conversations_seller_tenant_created_idx
    ON conversations (assigned_seller_id, tenant_id, created_at);

-- The `unanswered` rule, cleanup's archiving and seller_metrics' idle-conversation probe read
-- only active conversations, index-only, ordered by last_message_time.
CREATE INDEX CONCURRENTLY IF NOT EXISTS conversations_active_covering_idx
    ON conversations (last_message_time)
    INCLUDE (id, tenant_id, assigned_seller_id, created_at)
    WHERE status = 'active';

-- The `hot_lead` rule and seller_metrics.hot_leads_open: open leads, index-only.
CREATE INDEX CONCURRENTLY IF NOT EXISTS leads_hot_open_covering_idx
    ON leads (conversion_probability)
    INCLUDE (id, tenant_id, assigned_seller_id, conversation_id, created_at, last_contact_time)
    WHERE status IN ('new', 'contacted');

-- The `followup` rule and seller_metrics.follow_ups_due, index-only.
CREATE INDEX CONCURRENTLY IF NOT EXISTS leads_followup_due_covering_idx
    ON leads (next_follow_up)
    INCLUDE (id, tenant_id, assigned_seller_id, conversation_id, created_at, status)
    WHERE status IN ('interested', 'negotiation');

-- seller_metrics: leads generated / converted per seller over the 30 days behind a window.
CREATE INDEX CONCURRENTLY IF NOT EXISTS leads_seller_tenant_created_idx
    ON leads (assigned_seller_id, tenant_id, created_at);
CREATE INDEX CONCURRENTLY IF NOT EXISTS leads_seller_tenant_converted_idx
    ON leads (assigned_seller_id, tenant_id, converted_at)
    WHERE converted_at IS NOT NULL;
