-- Each seller opens 0..:max_daily_conversations conversations a day (5 by default; more for busy
-- sellers), customers writing between 8:00 and 22:00 local time with a bump in the morning and
-- the evening.
INSERT INTO conversations (id, tenant_id, customer_name, channel, assigned_seller_id, status,
                           created_at, last_message_time, last_message_from_customer)
SELECT md5(:seed || ':conv:' || s.id || ':' || d || ':' || k)::uuid,
       s.tenant_id,
       (ARRAY['Alejandro', 'Beatriz', 'Cristina', 'Eduardo', 'Elena', 'Francisco', 'Guadalupe',
              'Héctor', 'Inés', 'Julia', 'Manuel', 'Natalia', 'Óscar', 'Patricia', 'Ricardo',
              'Rosa', 'Sergio', 'Teresa', 'Víctor', 'Ximena'])[1 + floor(pg_temp.rnd(:seed || 'cn' || s.id || d || k) * 20)::int]
         || ' ' ||
       (ARRAY['Acosta', 'Benítez', 'Cabrera', 'Delgado', 'Espinoza', 'Fuentes', 'Guerrero',
              'Ibarra', 'Jiménez', 'Luna', 'Medina', 'Navarro', 'Paredes', 'Quintero', 'Reyes',
              'Salazar', 'Valencia', 'Zamora'])[1 + floor(pg_temp.rnd(:seed || 'cl' || s.id || d || k) * 18)::int],
       CASE WHEN pg_temp.rnd(:seed || 'ch' || s.id || d || k) < 0.8 THEN 'whatsapp'
            WHEN pg_temp.rnd(:seed || 'ch' || s.id || d || k) < 0.92 THEN 'instagram'
            ELSE 'web' END,
       s.id,
       'active',
       created,
       NULL, false
FROM sellers s
CROSS JOIN generate_series(0, :days - 1) AS d
CROSS JOIN generate_series(1, :max_daily_conversations) AS k
CROSS JOIN LATERAL (
    SELECT ((date_trunc('day', (:now)::timestamptz AT TIME ZONE :tz) - make_interval(days => :days - 1 - d))
             + make_interval(mins => (8 * 60 + floor(14 * 60 * (0.5 - 0.5 * cos(pi() * pg_temp.rnd(:seed || 'ct' || s.id || d || k))))::int))
           ) AT TIME ZONE :tz AS created
) AS c
WHERE pg_temp.rnd(:seed || 'cv' || s.id || d || k) < 0.35 + 0.4 * pg_temp.rnd(:seed || 'busy' || s.id)
  AND c.created <= (:now)::timestamptz;
