-- Rule `followup` (SPEC 3) for every tenant at once: a lead in interested or negotiation whose
-- next_follow_up is at or before :as_of, with an assigned seller. The id carries the follow-up's
-- epoch: moving the follow-up makes a new situation. Insert-or-ignore as in unanswered.sql.
-- Index: leads_followup_due_covering_idx (sql/007: partial on status IN ('interested', 'negotiation'),
-- covering every column read here: an index-only scan).
INSERT INTO notifications (id, tenant_id, type, title, message, priority, recipient_id,
                           related_entity_type, related_entity_id, metadata, created_at, expires_at)
SELECT x.id,
       l.tenant_id,
       'followup',
       format(:t_followup_title, coalesce(c.customer_name, :t_unknown_customer)),
       format(:t_followup_message, coalesce(c.customer_name, :t_unknown_customer),
              to_char(l.next_follow_up AT TIME ZONE :timezone, 'YYYY-MM-DD HH24:MI'), x.hours_overdue),
       CASE WHEN l.status = 'negotiation' THEN 'high' ELSE 'medium' END,
       l.assigned_seller_id,
       'lead',
       l.id::text,
       jsonb_build_object('customer_name', c.customer_name, 'seller_name', s.name, 'status', l.status,
                          'next_follow_up', l.next_follow_up, 'hours_overdue', x.hours_overdue),
       CAST(:as_of AS timestamptz),
       CAST(:as_of AS timestamptz) + make_interval(days => CAST(:retention_days AS integer))
FROM leads AS l
-- The customer's name by primary key, one lookup per due lead (a join would let the planner read
-- all of conversations to name a few leads).
LEFT JOIN LATERAL (
    SELECT cc.customer_name FROM conversations AS cc WHERE cc.id = l.conversation_id LIMIT 1
) AS c ON true
LEFT JOIN sellers AS s ON s.id = l.assigned_seller_id
CROSS JOIN LATERAL (
    SELECT 'followup_' || l.id || '_' || floor(extract(epoch FROM l.next_follow_up))::bigint AS id,
           round(CAST(extract(epoch FROM CAST(:as_of AS timestamptz) - l.next_follow_up) AS numeric) / 3600, 1)
           AS hours_overdue
) AS x
WHERE l.status IN ('interested', 'negotiation')
  AND l.next_follow_up <= CAST(:as_of AS timestamptz)
  AND l.assigned_seller_id IS NOT NULL
  -- already notified: left out here (primary-key probe); ON CONFLICT still settles a race
  AND NOT EXISTS (SELECT 1 FROM notifications AS n
                  WHERE n.id = x.id AND n.id >= 'followup_' AND n.id < 'followup`')
ON CONFLICT (id) DO NOTHING
RETURNING id;
