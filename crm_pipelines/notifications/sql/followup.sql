-- Rule `followup` (SPEC 3) for every tenant at once: a lead in interested or negotiation whose
-- next_follow_up is at or before :as_of, assigned to a seller of its own tenant. The id carries
-- the follow-up's epoch: moving the follow-up makes a new situation. Ledger, claim and outbox as
-- in unanswered.sql.
-- Index: leads_followup_due_covering_idx (partial on status IN ('interested', 'negotiation'),
-- covering every column `due` reads: an index-only scan), then sellers_pkey and
-- notified_situations_pkey (one probe per due lead) and conversations_pkey (the customer's name,
-- new rows only).
WITH due AS MATERIALIZED (
    SELECT x.id, l.id AS lead_id, l.tenant_id, l.assigned_seller_id, l.conversation_id, l.status,
           l.next_follow_up, x.hours_overdue, s.name AS seller_name
    FROM leads AS l
    JOIN sellers AS s ON s.id = l.assigned_seller_id AND s.tenant_id = l.tenant_id
    CROSS JOIN LATERAL (
        SELECT 'followup_' || l.id || '_' || floor(extract(epoch FROM l.next_follow_up))::bigint AS id,
               round(CAST(extract(epoch FROM CAST(:as_of AS timestamptz) - l.next_follow_up) AS numeric) / 3600, 1)
               AS hours_overdue
    ) AS x
    LEFT JOIN LATERAL (
        SELECT true AS notified FROM notified_situations AS n WHERE n.id = x.id LIMIT 1
    ) AS done ON true
    WHERE l.status IN ('interested', 'negotiation')
      AND l.next_follow_up <= CAST(:as_of AS timestamptz)
      AND l.assigned_seller_id IS NOT NULL
      AND done.notified IS NULL
),
claimed AS (
    INSERT INTO notified_situations (id, tenant_id, type, notified_at)
    SELECT d.id, d.tenant_id, 'followup', CAST(:as_of AS timestamptz) FROM due AS d
    ON CONFLICT (id) DO NOTHING
    RETURNING id
),
created AS (
    INSERT INTO notifications (id, tenant_id, type, title, message, priority, recipient_id,
                               related_entity_type, related_entity_id, metadata, created_at, expires_at)
    SELECT d.id,
           d.tenant_id,
           'followup',
           format(:t_followup_title, coalesce(c.customer_name, :t_unknown_customer)),
           format(:t_followup_message, coalesce(c.customer_name, :t_unknown_customer),
                  to_char(d.next_follow_up AT TIME ZONE :timezone, :t_datetime_format), waited.text),
           CASE WHEN d.status = 'negotiation' THEN 'high' ELSE 'medium' END,
           d.assigned_seller_id,
           'lead',
           d.lead_id::text,
           jsonb_build_object('customer_name', c.customer_name, 'seller_name', d.seller_name, 'status', d.status,
                              'next_follow_up', d.next_follow_up, 'hours_overdue', d.hours_overdue),
           CAST(:as_of AS timestamptz),
           CAST(:as_of AS timestamptz) + make_interval(days => CAST(:retention_days AS integer))
    FROM due AS d
    JOIN claimed ON claimed.id = d.id
    -- The customer's name by primary key, one lookup per new notification.
    LEFT JOIN LATERAL (
        SELECT cc.customer_name FROM conversations AS cc WHERE cc.id = d.conversation_id LIMIT 1
    ) AS c ON true
    -- How long, as a person reads it (texts.py): under a minute, minutes, then hours with one
    -- decimal at most and REPORT_LANGUAGE's separators; singular for exactly one.
    CROSS JOIN LATERAL (
        SELECT CASE WHEN w.seconds < 60 THEN :t_less_than_a_minute
                    WHEN w.seconds < 3600
                    THEN format(CASE WHEN floor(w.seconds / 60) = 1 THEN :t_minutes_one ELSE :t_minutes_other END,
                                floor(w.seconds / 60))
                    ELSE format(CASE WHEN w.hours = 1 THEN :t_hours_one ELSE :t_hours_other END,
                                translate(rtrim(to_char(w.hours, 'FM999,999,999,990.9'), '.'), ',.', :t_separators))
               END AS text
        FROM (SELECT e.seconds, round(e.seconds / 3600, 1) AS hours
              FROM (SELECT CAST(extract(epoch FROM CAST(:as_of AS timestamptz) - d.next_follow_up) AS numeric) AS seconds) AS e
        ) AS w
    ) AS waited
    ON CONFLICT (id) DO NOTHING
    RETURNING id
)
INSERT INTO notification_outbox (id, queued_at)
SELECT created.id, CAST(:as_of AS timestamptz) FROM created
ON CONFLICT (id) DO NOTHING
RETURNING id;
