-- Rule `hot_lead` (SPEC 3) for every tenant at once: an open lead (new or contacted) assigned to
-- a seller of its own tenant, conversion_probability above :probability, and no contact for
-- :idle_hours. A probability above 1 or NaN (PostgreSQL orders NaN above every number) is not a
-- probability: such a lead counts for nothing here (seller_metrics' checks flag it).
-- The id carries the last contact's epoch (0 when never contacted): a new contact followed by a
-- new idle spell notifies again. Ledger, claim and outbox as in unanswered.sql.
-- Index: leads_hot_open_covering_idx (partial on status IN ('new', 'contacted'), covering every
-- column `due` reads: an index-only scan), then sellers_pkey and notified_situations_pkey (one
-- probe per hot lead) and conversations_pkey (the customer's name, new rows only).
WITH due AS MATERIALIZED (
    SELECT x.id, l.id AS lead_id, l.tenant_id, l.assigned_seller_id, l.conversation_id,
           l.conversion_probability, l.last_contact_time, x.percent, x.hours_idle, s.name AS seller_name
    FROM leads AS l
    JOIN sellers AS s ON s.id = l.assigned_seller_id AND s.tenant_id = l.tenant_id
    CROSS JOIN LATERAL (
        SELECT 'hot_lead_' || l.id || '_' || coalesce(floor(extract(epoch FROM l.last_contact_time))::bigint, 0) AS id,
               round(l.conversion_probability * 100) AS percent,
               round(CAST(extract(epoch FROM CAST(:as_of AS timestamptz) - l.last_contact_time) AS numeric) / 3600, 1)
               AS hours_idle
    ) AS x
    LEFT JOIN LATERAL (
        SELECT true AS notified FROM notified_situations AS n WHERE n.id = x.id LIMIT 1
    ) AS done ON true
    WHERE l.status IN ('new', 'contacted')
      AND l.conversion_probability > CAST(:probability AS numeric)
      AND l.conversion_probability <= 1
      AND l.assigned_seller_id IS NOT NULL
      AND (l.last_contact_time IS NULL
           OR l.last_contact_time < CAST(:as_of AS timestamptz)
                                    - make_interval(secs => CAST(:idle_hours AS double precision) * 3600))
      AND done.notified IS NULL
),
claimed AS (
    INSERT INTO notified_situations (id, tenant_id, type, notified_at)
    SELECT d.id, d.tenant_id, 'hot_lead', CAST(:as_of AS timestamptz) FROM due AS d
    ON CONFLICT (id) DO NOTHING
    RETURNING id
),
created AS (
    INSERT INTO notifications (id, tenant_id, type, title, message, priority, recipient_id,
                               related_entity_type, related_entity_id, metadata, created_at, expires_at)
    SELECT d.id,
           d.tenant_id,
           'hot_lead',
           format(:t_hot_lead_title, coalesce(c.customer_name, :t_unknown_customer)),
           CASE WHEN d.last_contact_time IS NULL
                THEN format(:t_hot_lead_message_never, coalesce(c.customer_name, :t_unknown_customer), d.percent)
                ELSE format(:t_hot_lead_message, coalesce(c.customer_name, :t_unknown_customer), d.percent, waited.text)
           END,
           'high',
           d.assigned_seller_id,
           'lead',
           d.lead_id::text,
           jsonb_build_object('customer_name', c.customer_name, 'seller_name', d.seller_name,
                              'conversion_probability', d.conversion_probability,
                              'last_contact_time', d.last_contact_time, 'hours_idle', d.hours_idle,
                              'threshold_probability', CAST(:probability AS numeric),
                              'threshold_idle_hours', CAST(:idle_hours AS numeric)),
           CAST(:as_of AS timestamptz),
           CAST(:as_of AS timestamptz) + make_interval(days => CAST(:retention_days AS integer))
    FROM due AS d
    JOIN claimed ON claimed.id = d.id
    -- The customer's name by primary key, one lookup per new notification (a join would let the
    -- planner read all of conversations to name a few leads).
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
              FROM (SELECT CAST(extract(epoch FROM CAST(:as_of AS timestamptz) - d.last_contact_time) AS numeric) AS seconds) AS e
        ) AS w
    ) AS waited
    ON CONFLICT (id) DO NOTHING
    RETURNING id
)
INSERT INTO notification_outbox (id, queued_at)
SELECT created.id, CAST(:as_of AS timestamptz) FROM created
ON CONFLICT (id) DO NOTHING
RETURNING id;
