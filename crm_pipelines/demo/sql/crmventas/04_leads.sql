-- Leads as CRM Ventas keeps them: the customer's phone and name, the status in one of its
-- vocabularies (odd tenants its English API words, even tenants its Spanish pipeline stages),
-- close_probability 0..100, a status history row for the move out of `new` (the won ones say
-- when: there is no converted_at in its code), the last contact as a post_call note, the next
-- follow-up as a pending task.
CREATE TEMP TABLE lead_rows ON COMMIT DROP AS
SELECT l.*, t.phone, t.customer_name,
       CASE WHEN l.tenant_id % 2 = 1 THEN l.status ELSE
           CASE l.status WHEN 'new' THEN 'nuevo' WHEN 'contacted' THEN 'contactado'
                         WHEN 'interested' THEN 'calificado' WHEN 'negotiation' THEN 'negociacion'
                         WHEN 'closed_won' THEN 'cerrado_ganado' ELSE 'cerrado_perdido' END
       END AS crm_status,
       -- when the lead left `new`: its conversion, else its last contact, else its creation
       CASE WHEN l.status <> 'new' THEN coalesce(l.converted_at, l.last_contact_time, l.created_at) END
           AS status_changed_at
FROM pg_temp.leads AS l
JOIN pg_temp.threads AS t ON t.id = l.conversation_id;

INSERT INTO crmventas_leads (id, tenant_id, phone_number, first_name, last_name, status, close_probability,
                             assigned_seller_id, created_at, updated_at, status_changed_at, status_changed_by,
                             channel_source, source)
SELECT r.id, r.tenant_id, r.phone, split_part(r.customer_name, ' ', 1),
       substr(r.customer_name, strpos(r.customer_name, ' ') + 1), r.crm_status,
       100 * r.conversion_probability, r.assigned_seller_id, r.created_at,
       greatest(r.created_at, r.status_changed_at), r.status_changed_at,
       CASE WHEN r.status_changed_at IS NOT NULL THEN r.assigned_seller_id END,
       'whatsapp', 'whatsapp_inbound'
FROM lead_rows AS r
ORDER BY r.created_at, r.id;

INSERT INTO lead_status_history (id, lead_id, tenant_id, from_status_code, to_status_code, changed_by_user_id,
                                 created_at)
SELECT md5(:seed || ':status:' || r.id)::uuid, r.id, r.tenant_id,
       CASE WHEN r.tenant_id % 2 = 1 THEN 'new' ELSE 'nuevo' END, r.crm_status, r.assigned_seller_id,
       r.status_changed_at
FROM lead_rows AS r
WHERE r.status_changed_at IS NOT NULL;

INSERT INTO lead_notes (id, tenant_id, lead_id, author_id, note_type, content, created_at, updated_at)
SELECT md5(:seed || ':note:' || r.id)::uuid, r.tenant_id, r.id, r.assigned_seller_id, 'post_call',
       'Hablé con el cliente', r.last_contact_time, r.last_contact_time
FROM lead_rows AS r
WHERE r.last_contact_time IS NOT NULL;

INSERT INTO lead_tasks (tenant_id, lead_id, title, due_date, status, created_at, updated_at,
                        created_by_user_id, assigned_to_user_id)
SELECT r.tenant_id, r.id, 'Seguimiento', r.next_follow_up, 'pending', r.created_at, r.created_at,
       r.assigned_seller_id, r.assigned_seller_id
FROM lead_rows AS r
WHERE r.next_follow_up IS NOT NULL
ORDER BY r.created_at, r.id;
