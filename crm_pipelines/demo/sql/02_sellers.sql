INSERT INTO sellers (id, tenant_id, name, email, role, is_active, created_at)
SELECT md5(:seed || ':seller:' || t || ':' || i)::uuid,
       t,
       first_names[1 + floor(pg_temp.rnd(:seed || 'sf' || t || ':' || i) * array_length(first_names, 1))::int]
         || ' ' ||
       last_names[1 + floor(pg_temp.rnd(:seed || 'sl' || t || ':' || i) * array_length(last_names, 1))::int],
       'vendedor' || i || '@tenant' || t || '.example.com',
       CASE WHEN i = 1 THEN 'manager' ELSE 'seller' END,
       -- the last seller of a team of ten or more has left the company
       NOT (i = :sellers AND :sellers >= 10),
       -- hired 30 days before the data's first local day, at midnight: a date of the data, not of
       -- the moment the seed ran
       (date_trunc('day', (:now)::timestamptz AT TIME ZONE :tz) - make_interval(days => :days - 1 + 30))
         AT TIME ZONE :tz
FROM generate_series(1, :tenants) AS t,
     generate_series(1, :sellers) AS i,
     LATERAL (SELECT ARRAY['María', 'José', 'Juan', 'Ana', 'Luis', 'Carmen', 'Carlos', 'Lucía',
                           'Jorge', 'Sofía', 'Miguel', 'Valentina', 'Andrés', 'Camila', 'Diego',
                           'Isabel', 'Pedro', 'Paula', 'Javier', 'Daniela', 'Fernando', 'Gabriela']
                     AS first_names,
                     ARRAY['García', 'Rodríguez', 'Martínez', 'López', 'González', 'Pérez',
                           'Sánchez', 'Ramírez', 'Torres', 'Flores', 'Rivera', 'Gómez', 'Díaz',
                           'Morales', 'Herrera', 'Castillo', 'Vargas', 'Romero', 'Ortiz', 'Núñez']
                     AS last_names) AS n;
