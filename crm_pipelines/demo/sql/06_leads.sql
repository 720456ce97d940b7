-- Two conversations in five become a lead. Leads move through the pipeline with probabilities;
-- the ones in interested/negotiation carry a follow-up (some already due), closed_won ones a
-- conversion date a few days after creation (never after :now).
INSERT INTO leads (id, tenant_id, conversation_id, assigned_seller_id, status, conversion_probability,
                   created_at, last_contact_time, next_follow_up, converted_at)
SELECT md5(:seed || ':lead:' || c.id)::uuid, c.tenant_id, c.id, c.assigned_seller_id,
       CASE WHEN st = 'closed_won' AND won_at > (:now)::timestamptz THEN 'negotiation' ELSE st END,
       round(CASE st WHEN 'new' THEN 0.2 + 0.75 * p WHEN 'contacted' THEN 0.3 + 0.69 * p
                     WHEN 'interested' THEN 0.5 + 0.4 * p WHEN 'negotiation' THEN 0.6 + 0.35 * p
                     WHEN 'closed_won' THEN 1 ELSE 0 END::numeric, 2),
       lead_created,
       CASE WHEN st = 'new' THEN NULL ELSE least(c.last_message_time, (:now)::timestamptz) END,
       CASE WHEN st IN ('interested', 'negotiation') OR (st = 'closed_won' AND won_at > (:now)::timestamptz)
            THEN (:now)::timestamptz + make_interval(hours => (72 * pg_temp.rnd(:seed || 'fu' || c.id) - 24)::int)
       END,
       CASE WHEN st = 'closed_won' AND won_at <= (:now)::timestamptz THEN won_at END
FROM conversations c
CROSS JOIN LATERAL (
    SELECT pg_temp.rnd(:seed || 'lp' || c.id) AS p,
           pg_temp.rnd(:seed || 'ls' || c.id) AS r,
           c.created_at + interval '10 minutes' AS lead_created,
           c.created_at + make_interval(hours => (1 + 240 * pg_temp.rnd(:seed || 'lw' || c.id))::int) AS won_at
) AS x
CROSS JOIN LATERAL (
    SELECT CASE WHEN x.r < 0.22 THEN 'new' WHEN x.r < 0.40 THEN 'contacted' WHEN x.r < 0.55 THEN 'interested'
                WHEN x.r < 0.67 THEN 'negotiation' WHEN x.r < 0.85 THEN 'closed_won' ELSE 'closed_lost' END AS st
) AS s
WHERE pg_temp.rnd(:seed || 'lead' || c.id) < 0.4
  AND x.lead_created <= (:now)::timestamptz;
