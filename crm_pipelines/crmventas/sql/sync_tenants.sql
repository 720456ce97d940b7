-- Every tenant (a small table): name from clinic_name, the CEO's address from owner_email or
-- contact_email. crmventas_tenants is CRM Ventas's `tenants` (a view in our schema: our mirror
-- takes the name `tenants`). Returns the rows read and the rows that changed.
WITH source AS (
    SELECT t.id, coalesce(nullif(trim(t.clinic_name), ''), 'Tenant ' || t.id) AS name,
           coalesce(nullif(trim(t.owner_email), ''), nullif(trim(t.contact_email), '')) AS ceo_email
    FROM crmventas_tenants AS t
),
written AS (
    INSERT INTO tenants AS m (id, name, ceo_email)
    SELECT id, name, ceo_email FROM source
    ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, ceo_email = EXCLUDED.ceo_email
    WHERE (m.name, m.ceo_email) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.ceo_email)
    RETURNING 1
)
SELECT (SELECT count(*) FROM source) AS read, (SELECT count(*) FROM written) AS written;
