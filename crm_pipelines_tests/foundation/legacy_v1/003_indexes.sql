-- Indexes, each named for the query that needs it.

-- seller_metrics: messages of a window of days, per conversation in (created_at, id) order
-- (customer turns, replies, chat time). The range scan on created_at bounds a day's refresh.
CREATE INDEX IF NOT EXISTS messages_tenant_created_idx
    ON messages (tenant_id, created_at);
-- seller_metrics: a window's conversations need their whole earlier history to find the turn
-- a reply answers (a turn may start before the window).
CREATE INDEX IF NOT EXISTS messages_conversation_created_idx
    ON messages (conversation_id, created_at, id);

-- seller_metrics: conversations_total / conversations_new per seller up to a cut-off.
CREATE INDEX IF NOT EXISTS conversations_seller_created_idx
    ON conversations (assigned_seller_id, created_at);

-- notifications `unanswered` rule and cleanup's archiving: only active conversations are read,
-- ordered by last_message_time; a partial index keeps it small on a CRM with millions of
-- closed conversations.
CREATE INDEX IF NOT EXISTS conversations_active_last_message_idx
    ON conversations (last_message_time)
    WHERE status = 'active';

-- seller_metrics: leads generated / converted per seller and day, conversion rate over 30 days.
CREATE INDEX IF NOT EXISTS leads_seller_created_idx
    ON leads (assigned_seller_id, created_at);
CREATE INDEX IF NOT EXISTS leads_seller_converted_idx
    ON leads (assigned_seller_id, converted_at)
    WHERE converted_at IS NOT NULL;

-- notifications `hot_lead` rule and seller_metrics.hot_leads_open: open leads only.
CREATE INDEX IF NOT EXISTS leads_hot_open_idx
    ON leads (conversion_probability)
    WHERE status IN ('new', 'contacted');

-- notifications `followup` rule and seller_metrics.follow_ups_due.
CREATE INDEX IF NOT EXISTS leads_followup_due_idx
    ON leads (next_follow_up)
    WHERE status IN ('interested', 'negotiation');

-- seller_metrics by day (performance alerts read today's rows; the report reads a day and the
-- 7 or 14 before it; cleanup deletes by age).
CREATE INDEX IF NOT EXISTS seller_metrics_period_idx
    ON seller_metrics (period);

-- cleanup: expired notifications in batches.
CREATE INDEX IF NOT EXISTS notifications_expires_idx
    ON notifications (expires_at);
-- cleanup fallback (rows without expires_at) and the report's alerts_summary per day.
CREATE INDEX IF NOT EXISTS notifications_tenant_created_idx
    ON notifications (tenant_id, created_at);

-- cleanup of old reports.
CREATE INDEX IF NOT EXISTS daily_reports_date_idx
    ON daily_reports (report_date);
