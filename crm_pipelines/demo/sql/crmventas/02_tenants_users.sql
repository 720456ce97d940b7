-- Tenants (clinic_name, owner_email) and users: the manager becomes a secretary (the role CRM
-- Ventas gives whoever runs the team's agenda; mirrored back as `manager`), the others setters
-- or closers; a seller who left is `suspended`. Password hashes are unusable: demo users cannot
-- log in.
INSERT INTO crmventas_tenants (id, clinic_name, owner_email, timezone, created_at, updated_at)
SELECT t.id, t.name, t.ceo_email, :tz, s.first_hire, s.first_hire
FROM pg_temp.tenants AS t
CROSS JOIN LATERAL (SELECT min(created_at) AS first_hire FROM pg_temp.sellers WHERE tenant_id = t.id) AS s;

SELECT setval(pg_get_serial_sequence(:crm_schema || '.tenants', 'id'),
              GREATEST((SELECT max(id) FROM pg_temp.tenants), 1));

INSERT INTO users (id, email, password_hash, role, status, first_name, last_name, tenant_id, created_at, updated_at)
SELECT s.id, s.email, '!demo',
       CASE WHEN s.role = 'manager' THEN 'secretary'
            WHEN pg_temp.rnd(:seed || 'crm_role' || s.id) < 0.6 THEN 'setter' ELSE 'closer' END,
       CASE WHEN s.is_active THEN 'active' ELSE 'suspended' END,
       split_part(s.name, ' ', 1), substr(s.name, strpos(s.name, ' ') + 1),
       s.tenant_id, s.created_at, s.created_at
FROM pg_temp.sellers AS s;
