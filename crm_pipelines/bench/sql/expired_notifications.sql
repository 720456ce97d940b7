-- :rows notifications that expired a day ago, spread over the tenants, for cleanup to delete:
-- ours by type and id pattern (cleanup deletes nothing else), marked in metadata so the
-- benchmark can count what is left afterwards.
INSERT INTO notifications (id, tenant_id, type, title, message, priority, recipient_id,
                           related_entity_type, related_entity_id, metadata, read, created_at, expires_at)
SELECT 'unanswered_' || CAST(md5('c' || n) AS uuid) || '_' || (1700000000 + n),
       t.ids[1 + n % array_length(t.ids, 1)],
       'unanswered', 'Cliente sin respuesta', 'Un cliente espera respuesta desde hace 2 horas',
       'high', CAST(md5('r' || n) AS uuid), 'conversation', NULL, '{"bench_expired": true}'::jsonb, n % 3 = 0,
       CAST(:now AS timestamptz) - interval '8 days' - make_interval(secs => n % 86400),
       CAST(:now AS timestamptz) - interval '1 day' - make_interval(secs => n % 86400)
FROM generate_series(1, :rows) AS n,
     (SELECT array_agg(id ORDER BY id) AS ids FROM tenants) AS t
ON CONFLICT (id) DO NOTHING;
