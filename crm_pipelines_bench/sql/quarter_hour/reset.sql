-- Back to the state the data set was built in, before a run: the rows an earlier run wrote
-- again (ids past the build's last ones) deleted, the mirrors and what was computed from them
-- emptied, so the initial sync starts from nothing.
DELETE FROM chat_messages WHERE id > CAST(:last_message_id AS bigint);
DELETE FROM system_events WHERE id > CAST(:last_event_id AS bigint);
TRUNCATE messages, conversations, leads, sellers, tenants, crmventas_sync_state, seller_metrics;
