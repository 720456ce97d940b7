-- Every message as CRM Ventas's db.append_chat_message writes it, same ids and times: the
-- customer as role `user` (correlation_id: its WhatsApp message id), the seller as `assistant`
-- sent from the dashboard (manual_send_<8 hex>), the greeting as an automation (auto_welcome_...),
-- the assignment line as `system`. The thread is assigned as it begins: the assignment rewrites
-- assigned_seller_id on the rows that exist then (the assignment line); later rows leave it null.
INSERT INTO chat_messages (id, tenant_id, from_number, role, content, created_at, correlation_id,
                           assigned_seller_id, assigned_at, platform, channel_source, external_user_id,
                           updated_at)
SELECT m.id, m.tenant_id, t.phone,
       CASE m.sender_type WHEN 'customer' THEN 'user' WHEN 'system' THEN 'system' ELSE 'assistant' END,
       m.body, m.created_at,
       CASE m.sender_type
           WHEN 'customer' THEN 'wamid.' || md5(:seed || ':wamid:' || m.id)
           WHEN 'seller' THEN 'manual_send_' || left(md5(:seed || ':send:' || m.id), 8)
           WHEN 'bot' THEN 'auto_welcome_' || t.phone
       END,
       CASE WHEN m.created_at <= t.created_at THEN t.assigned_seller_id END,
       CASE WHEN m.created_at <= t.created_at THEN t.created_at END,
       t.channel, t.channel, t.phone, m.created_at
FROM pg_temp.messages AS m
JOIN pg_temp.threads AS t ON t.id = m.conversation_id
ORDER BY m.id;

SELECT setval(pg_get_serial_sequence(:crm_schema || '.chat_messages', 'id'),
              GREATEST((SELECT max(id) FROM pg_temp.messages), 1));

-- seller_assignment_service logs each assignment, with the thread's phone.
INSERT INTO system_events (tenant_id, user_id, event_type, severity, message, payload, created_at)
SELECT t.tenant_id, t.assigned_seller_id, 'seller_assignment', 'info', 'Conversation assigned to seller',
       jsonb_build_object('phone', t.phone, 'seller_id', t.assigned_seller_id), t.created_at
FROM pg_temp.threads AS t
ORDER BY t.created_at, t.id;
