-- Every user (a small table) as a seller of SPEC: CRM Ventas's roles setter, closer and
-- professional sell (role `seller`), ceo is the CEO, secretary administers the team's agenda and
-- sees its alerts like a manager; active only when users.status = 'active'. Users without a
-- tenant belong to nobody and are left out. Returns the rows read and the rows that changed.
WITH source AS (
    SELECT u.id, u.tenant_id,
           coalesce(nullif(trim(concat_ws(' ', u.first_name, u.last_name)), ''), u.email) AS name,
           u.email,
           CASE u.role WHEN 'ceo' THEN 'ceo' WHEN 'secretary' THEN 'manager' ELSE 'seller' END AS role,
           u.status = 'active' AS is_active,
           coalesce(u.created_at, CAST(:now AS timestamptz)) AS created_at,
           u.role AS crm_role
    FROM users AS u
    WHERE u.tenant_id IS NOT NULL
),
written AS (
    INSERT INTO sellers AS m (id, tenant_id, name, email, role, is_active, created_at, crm_role)
    SELECT * FROM source
    ON CONFLICT (id) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, name = EXCLUDED.name, email = EXCLUDED.email,
        role = EXCLUDED.role, is_active = EXCLUDED.is_active, created_at = EXCLUDED.created_at,
        crm_role = EXCLUDED.crm_role
    WHERE (m.tenant_id, m.name, m.email, m.role, m.is_active, m.created_at, m.crm_role)
          IS DISTINCT FROM (EXCLUDED.tenant_id, EXCLUDED.name, EXCLUDED.email, EXCLUDED.role, EXCLUDED.is_active,
                            EXCLUDED.created_at, EXCLUDED.crm_role)
    RETURNING 1
),
gone AS (
    DELETE FROM sellers AS m WHERE NOT EXISTS (SELECT 1 FROM source AS s WHERE s.id = m.id) RETURNING 1
)
SELECT (SELECT count(*) FROM source) AS read, (SELECT count(*) FROM written) + (SELECT count(*) FROM gone) AS written;
