INSERT INTO tenants (id, name, ceo_email)
SELECT t,
       (ARRAY['Inmobiliaria Andina', 'Autos del Pacífico', 'Seguros Cóndor', 'Clínica Sonrisa',
              'Viajes Caribe', 'Muebles Roble', 'Tecnología Quetzal', 'Academia Sol'])[1 + (t - 1) % 8]
         || CASE WHEN t > 8 THEN ' ' || t ELSE '' END,
       -- one tenant in four has no CEO address: the report falls back to HANDOFF_EMAIL
       CASE WHEN t % 4 = 0 THEN NULL ELSE 'ceo@tenant' || t || '.example.com' END
FROM generate_series(1, :tenants) AS t;

SELECT setval(pg_get_serial_sequence('tenants', 'id'), GREATEST((SELECT max(id) FROM tenants), 1));
