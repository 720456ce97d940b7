-- Turns: a customer writes 1..3 messages, the seller answers after a delay that depends on how
-- fast that seller is (a few minutes to a few hours), or not at all (15%); the next turn comes
-- minutes to hours later. Conversations open with a system line and, for a third, a bot greeting;
-- one in ten starts with the seller writing first. Nothing is written after :now.
WITH seller_speed AS (
    SELECT id,
           -- typical response minutes: most sellers 3..25, one in five slow (60..240)
           CASE WHEN pg_temp.rnd(:seed || 'slow' || id) < 0.2 THEN 60 + 180 * pg_temp.rnd(:seed || 'sp' || id)
                ELSE 3 + 22 * pg_temp.rnd(:seed || 'sp' || id) END AS typical_minutes
    FROM sellers
),
turns AS (
    SELECT c.id AS conversation_id, c.tenant_id, c.assigned_seller_id AS seller_id, c.created_at, j,
           pg_temp.rnd(:seed || 'ans' || c.id || j) < 0.85 AS answered,
           1 + floor(3 * pg_temp.rnd(:seed || 'nc' || c.id || j))::int AS customer_msgs,
           -- log-normal-ish delay around the seller's typical time
           greatest(0.5, sp.typical_minutes * exp(1.2 * (pg_temp.rnd(:seed || 'dl' || c.id || j) - 0.5) * 2)) AS delay_min,
           5 + 240 * pg_temp.rnd(:seed || 'gap' || c.id || j) ^ 2 AS gap_min,
           pg_temp.rnd(:seed || 'sf1' || c.id) < 0.1 AS seller_first
    FROM conversations c
    JOIN seller_speed sp ON sp.id = c.assigned_seller_id
    CROSS JOIN LATERAL generate_series(1, 1 + floor(6 * pg_temp.rnd(:seed || 'nt' || c.id))::int) AS j
),
timed AS (
    SELECT t.*,
           t.created_at + make_interval(secs => 60 * (
               coalesce(sum(t.delay_min + t.gap_min) OVER (PARTITION BY t.conversation_id ORDER BY t.j
                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
               + CASE WHEN t.seller_first THEN 30 ELSE 0 END)) AS turn_start
    FROM turns t
),
all_messages AS (
    -- system line when the conversation is assigned
    SELECT c.tenant_id, c.id AS conversation_id, 'system' AS sender_type, NULL::uuid AS seller_id,
           'Conversación asignada' AS body, c.created_at AS created_at, 0 AS seq
    FROM conversations c
    UNION ALL
    -- bot greeting for a third of them
    SELECT c.tenant_id, c.id, 'bot', NULL, '¡Hola! Gracias por escribirnos, un asesor te atenderá pronto.',
           c.created_at + interval '5 seconds', 1
    FROM conversations c
    WHERE pg_temp.rnd(:seed || 'bot' || c.id) < 0.33
    UNION ALL
    -- seller writes first (outbound follow-up campaigns)
    SELECT DISTINCT ON (t.conversation_id) t.tenant_id, t.conversation_id, 'seller', t.seller_id,
           'Hola, le escribo para dar seguimiento a su solicitud.', t.created_at + interval '10 seconds', 2
    FROM timed t WHERE t.seller_first
    UNION ALL
    SELECT t.tenant_id, t.conversation_id, 'customer', NULL,
           (ARRAY['Hola, quisiera información', '¿Cuál es el precio?', '¿Tienen disponibilidad?',
                  'Gracias', '¿Me pueden llamar?', 'Me interesa, ¿cómo pago?'])[1 + floor(6 * pg_temp.rnd(:seed || 'cb' || t.conversation_id || t.j || m))::int],
           t.turn_start + make_interval(secs => 40 * (m - 1)), 10 + m
    FROM timed t CROSS JOIN LATERAL generate_series(1, t.customer_msgs) AS m
    UNION ALL
    SELECT t.tenant_id, t.conversation_id, 'seller', t.seller_id,
           (ARRAY['¡Con gusto! Le comparto la información.', 'El precio es muy competitivo.',
                  'Sí, tenemos disponibilidad.', 'Le llamo en un momento.'])[1 + floor(4 * pg_temp.rnd(:seed || 'sb' || t.conversation_id || t.j))::int],
           t.turn_start + make_interval(secs => 60 * t.delay_min + 40 * (t.customer_msgs - 1)), 20
    FROM timed t WHERE t.answered
)
INSERT INTO messages (tenant_id, conversation_id, sender_type, seller_id, body, created_at)
SELECT tenant_id, conversation_id, sender_type, seller_id, body, created_at
FROM all_messages
WHERE created_at <= (:now)::timestamptz
ORDER BY created_at, conversation_id, seq;
