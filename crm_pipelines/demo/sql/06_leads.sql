-- Two conversations in five become a lead. Leads move through the pipeline with probabilities;
-- the ones in interested/negotiation carry a follow-up (some already due), closed_won ones a
-- conversion date a few days after creation (never after :now). A lead still open 30 days after
-- it was created is lost, as a sales team closes its stale leads, except one in fifty left open
-- and forgotten: the open pipeline is about a month of leads, not the whole history.
INSERT INTO leads (id, tenant_id, conversation_id, assigned_seller_id, status, conversion_probability,
                   created_at, last_contact_time, next_follow_up, converted_at)
SELECT md5(:seed || ':lead:' || c.id)::uuid, c.tenant_id, c.id, c.assigned_seller_id,
       f.status,
       CASE WHEN f.status = 'closed_lost' THEN 0 ELSE
       round(CASE st WHEN 'new' THEN 0.2 + 0.75 * p WHEN 'contacted' THEN 0.3 + 0.69 * p
                     WHEN 'interested' THEN 0.5 + 0.4 * p WHEN 'negotiation' THEN 0.6 + 0.35 * p
                     WHEN 'closed_won' THEN 1 ELSE 0 END::numeric, 2) END,
       lead_created,
       CASE WHEN st = 'new' THEN NULL ELSE least(c.last_message_time, (:now)::timestamptz) END,
       CASE WHEN f.status IN ('interested', 'negotiation')
            -- on the hour, from a day before the data's last local day to two days after it began:
            -- those at or before :now are due
            THEN (date_trunc('day', (:now)::timestamptz AT TIME ZONE :tz)
                  + make_interval(hours => (72 * pg_temp.rnd(:seed || 'fu' || c.id) - 24)::int)) AT TIME ZONE :tz
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
CROSS JOIN LATERAL (
    SELECT CASE WHEN s.st = 'closed_won' AND x.won_at > (:now)::timestamptz THEN 'negotiation'
                WHEN s.st IN ('new', 'contacted', 'interested', 'negotiation')
                     AND x.lead_created < (:now)::timestamptz - interval '30 days'
                     AND pg_temp.rnd(:seed || 'stale' || c.id) >= 0.02 THEN 'closed_lost'
                ELSE s.st END AS status
) AS f
WHERE pg_temp.rnd(:seed || 'lead' || c.id) < 0.4
  AND x.lead_created <= (:now)::timestamptz;
