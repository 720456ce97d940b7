-- :rows notifications that expired a day ago, spread over the tenants, for cleanup to delete.
-- Their ids start with bench_expired_ so the benchmark can count what is left afterwards.
INSERT INTO notifications (id, tenant_id, type, title, message, priority, recipient_id,
                           related_entity_type, related_entity_id, metadata, read, created_at, expires_at)
SELECT 'bench_expired_' || n,
       t.ids[1 + n % array_length(t.ids, 1)],
       'unanswered', 'Cliente sin respuesta', 'Un cliente espera respuesta desde hace 2 horas',
       'high', NULL, 'conversation', NULL, '{}'::jsonb, n % 3 = 0,
       CAST(:now AS timestamptz) - interval '8 days' - make_interval(secs => n % 86400),
       CAST(:now AS timestamptz) - interval '1 day' - make_interval(secs => n % 86400)
FROM generate_series(1, :rows) AS n,
     (SELECT array_agg(id ORDER BY id) AS ids FROM tenants) AS t
ON CONFLICT (id) DO NOTHING;
