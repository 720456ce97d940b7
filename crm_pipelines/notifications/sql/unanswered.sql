-- Rule `unanswered` (SPEC 3) for every tenant at once: an active conversation with an assigned
-- seller whose last message is the customer's and older than :hours at :as_of.
-- The id carries the last message's epoch: the same wait never notifies twice, a new customer
-- message starts a new wait. ON CONFLICT DO NOTHING + RETURNING hands back only the rows this
-- statement really created, however many checks run at once.
-- Already notified situations are left out before their row is built, by ONE primary-key probe
-- of notifications per candidate (LEFT JOIN LATERAL ... LIMIT 1 keeps it a probe whatever the
-- statistics say: as a plain NOT EXISTS, PostgreSQL hashed the whole table when it knew it large,
-- and with statistics taken while it was empty it compared every candidate with every
-- notification: 71 s for 19,000 follow-ups). ON CONFLICT still settles a race between two checks.
-- Index: conversations_active_covering_idx (partial, status = 'active'), notifications_pkey.
INSERT INTO notifications (id, tenant_id, type, title, message, priority, recipient_id,
                           related_entity_type, related_entity_id, metadata, created_at, expires_at)
SELECT x.id,
       c.tenant_id,
       'unanswered',
       format(:t_unanswered_title, coalesce(c.customer_name, :t_unknown_customer)),
       format(:t_unanswered_message, coalesce(c.customer_name, :t_unknown_customer), w.hours_waiting,
              coalesce(s.name, :t_unknown_seller)),
       CASE WHEN w.hours_waiting >= 4 * CAST(:hours AS numeric) THEN 'critical' ELSE 'high' END,
       c.assigned_seller_id,
       'conversation',
       c.id::text,
       jsonb_build_object('customer_name', c.customer_name, 'seller_name', s.name,
                          'last_message_time', c.last_message_time, 'hours_waiting', w.hours_waiting,
                          'threshold_hours', CAST(:hours AS numeric)),
       CAST(:as_of AS timestamptz),
       CAST(:as_of AS timestamptz) + make_interval(days => CAST(:retention_days AS integer))
FROM conversations AS c
LEFT JOIN sellers AS s ON s.id = c.assigned_seller_id
CROSS JOIN LATERAL (
    SELECT 'unanswered_' || c.id || '_' || floor(extract(epoch FROM c.last_message_time))::bigint AS id
) AS x
LEFT JOIN LATERAL (
    SELECT true AS notified FROM notifications AS n WHERE n.id = x.id LIMIT 1
) AS done ON true
CROSS JOIN LATERAL (
    SELECT round(CAST(extract(epoch FROM CAST(:as_of AS timestamptz) - c.last_message_time) AS numeric) / 3600, 1)
           AS hours_waiting
) AS w
WHERE c.status = 'active'
  AND c.assigned_seller_id IS NOT NULL
  AND c.last_message_from_customer
  AND done.notified IS NULL
  AND c.last_message_time < CAST(:as_of AS timestamptz) - make_interval(secs => CAST(:hours AS double precision) * 3600)
ON CONFLICT (id) DO NOTHING
RETURNING id;
