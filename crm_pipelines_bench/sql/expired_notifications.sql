-- :rows notifications that expired a day ago, spread over the tenants, for cleanup to delete.
-- They look like the unanswered rule's own rows (an id of SPEC 3's pattern, so cleanup takes them
-- as ours; a recipient, the tenant's first seller), and carry {"bench": true} in their metadata
-- so that the benchmark can count what is left afterwards.
WITH tenant_ids AS (
    SELECT array_agg(id ORDER BY id) AS ids FROM tenants
), first_seller AS (
    SELECT tenant_id, min(id::text)::uuid AS seller_id FROM sellers GROUP BY tenant_id
), rows AS (
    SELECT n, t.ids[1 + n % array_length(t.ids, 1)] AS tenant_id
    FROM generate_series(1, :rows) AS n, tenant_ids AS t
)
INSERT INTO notifications (id, tenant_id, type, title, message, priority, recipient_id,
                           related_entity_type, related_entity_id, metadata, read, created_at, expires_at)
SELECT 'unanswered_' || lpad(to_hex(r.n), 8, '0') || '-0000-0000-0000-000000000000_'
           || extract(epoch FROM CAST(:now AS timestamptz))::bigint,
       r.tenant_id,
       'unanswered', 'Cliente sin respuesta', 'Un cliente espera respuesta desde hace 2 horas',
       'high', s.seller_id, 'conversation', NULL, '{"bench": true}'::jsonb, r.n % 3 = 0,
       CAST(:now AS timestamptz) - interval '8 days' - make_interval(secs => r.n % 86400),
       CAST(:now AS timestamptz) - interval '1 day' - make_interval(secs => r.n % 86400)
FROM rows r
JOIN first_seller s ON s.tenant_id = r.tenant_id
ON CONFLICT (id) DO NOTHING;
