-- :rows notifications that expired a day ago, spread over the tenants, for cleanup to delete.
-- Their ids follow the unanswered rule's pattern (cleanup deletes only notifications whose ids are
-- ours) and their metadata says {"bench": "expired"}, so the benchmark can count what is left.
INSERT INTO notifications (id, tenant_id, type, title, message, priority, recipient_id,
                           related_entity_type, related_entity_id, metadata, read, created_at, expires_at)
SELECT 'unanswered_' || md5('bench_expired:' || n)::uuid || '_' || n,
       t.ids[1 + n % array_length(t.ids, 1)],
       'unanswered', 'Cliente sin respuesta', 'Un cliente espera respuesta desde hace 2 horas',
       'high', r.id, 'conversation', NULL, '{"bench": "expired"}'::jsonb, n % 3 = 0,
       CAST(:now AS timestamptz) - interval '8 days' - make_interval(secs => n % 86400),
       CAST(:now AS timestamptz) - interval '1 day' - make_interval(secs => n % 86400)
FROM generate_series(1, :rows) AS n
CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM tenants) AS t
-- recipient_id is NOT NULL: each row goes to the tenant's first seller
CROSS JOIN LATERAL (
    SELECT s.id FROM sellers AS s WHERE s.tenant_id = t.ids[1 + n % array_length(t.ids, 1)]
    ORDER BY s.id LIMIT 1
) AS r
ON CONFLICT (id) DO NOTHING;
