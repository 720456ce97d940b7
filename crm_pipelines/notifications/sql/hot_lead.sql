-- Rule `hot_lead` (SPEC 3) for every tenant at once: an open lead (new or contacted) with an
-- assigned seller, conversion_probability above :probability, and no contact for :idle_hours.
-- The id carries the last contact's epoch (0 when never contacted): a new contact followed by a
-- new idle spell notifies again. Insert-or-ignore as in unanswered.sql.
-- Index: leads_hot_open_covering_idx (sql/007: partial on status IN ('new', 'contacted'), covering
-- every column `due` reads: an index-only scan), then notifications_pkey (one probe per hot lead,
-- as in unanswered.sql) and conversations_pkey (the customer's name, new rows only).
WITH due AS MATERIALIZED (
    SELECT x.id, l.id AS lead_id, l.tenant_id, l.assigned_seller_id, l.conversation_id,
           l.conversion_probability, l.last_contact_time, x.percent, x.hours_idle
    FROM leads AS l
    CROSS JOIN LATERAL (
        SELECT 'hot_lead_' || l.id || '_' || coalesce(floor(extract(epoch FROM l.last_contact_time))::bigint, 0) AS id,
               round(l.conversion_probability * 100) AS percent,
               round(CAST(extract(epoch FROM CAST(:as_of AS timestamptz) - l.last_contact_time) AS numeric) / 3600, 1)
               AS hours_idle
    ) AS x
    LEFT JOIN LATERAL (
        SELECT true AS notified FROM notifications AS n WHERE n.id = x.id LIMIT 1
    ) AS done ON true
    WHERE l.status IN ('new', 'contacted')
      AND l.conversion_probability > CAST(:probability AS numeric)
      AND l.assigned_seller_id IS NOT NULL
      AND (l.last_contact_time IS NULL
           OR l.last_contact_time < CAST(:as_of AS timestamptz)
                                    - make_interval(secs => CAST(:idle_hours AS double precision) * 3600))
      AND done.notified IS NULL
)
INSERT INTO notifications (id, tenant_id, type, title, message, priority, recipient_id,
                           related_entity_type, related_entity_id, metadata, created_at, expires_at)
SELECT d.id,
       d.tenant_id,
       'hot_lead',
       format(:t_hot_lead_title, coalesce(c.customer_name, :t_unknown_customer)),
       CASE WHEN d.last_contact_time IS NULL
            THEN format(:t_hot_lead_message_never, coalesce(c.customer_name, :t_unknown_customer), d.percent)
            ELSE format(:t_hot_lead_message, coalesce(c.customer_name, :t_unknown_customer), d.percent, d.hours_idle)
       END,
       'high',
       d.assigned_seller_id,
       'lead',
       d.lead_id::text,
       jsonb_build_object('customer_name', c.customer_name, 'seller_name', s.name,
                          'conversion_probability', d.conversion_probability,
                          'last_contact_time', d.last_contact_time, 'hours_idle', d.hours_idle,
                          'threshold_probability', CAST(:probability AS numeric),
                          'threshold_idle_hours', CAST(:idle_hours AS numeric)),
       CAST(:as_of AS timestamptz),
       CAST(:as_of AS timestamptz) + make_interval(days => CAST(:retention_days AS integer))
FROM due AS d
-- The customer's name by primary key, one lookup per new notification (a join would let the
-- planner read all of conversations to name a few leads).
LEFT JOIN LATERAL (
    SELECT cc.customer_name FROM conversations AS cc WHERE cc.id = d.conversation_id LIMIT 1
) AS c ON true
LEFT JOIN sellers AS s ON s.id = d.assigned_seller_id
ON CONFLICT (id) DO NOTHING
RETURNING id;
