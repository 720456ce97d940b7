-- Prepended to select_metrics.sql: the SELECT returns the table's columns in this order.
INSERT INTO seller_metrics (
    tenant_id, seller_id, period,
    conversations_total, conversations_active, conversations_new, conversations_unanswered,
    messages_sent, messages_received, replies,
    avg_response_time_minutes, median_response_time_minutes, p90_response_time_minutes,
    first_response_time_minutes, total_chat_time_minutes, engagement_rate,
    leads_generated, leads_converted, conversion_rate, hot_leads_open, follow_ups_due,
    productivity_score, activity_level, rank_position, computed_at
)
