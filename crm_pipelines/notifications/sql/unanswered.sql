-- Rule `unanswered` (SPEC 3) for every tenant at once: an active conversation assigned to a
-- seller of its own tenant (a seller of another tenant is notified of nothing) whose last
-- message is the customer's and older than :hours at :as_of.
-- The id carries the last message's epoch: the same wait never notifies twice, a new customer
-- message starts a new wait.
-- Once per situation, also after its notification expired and was cleaned: a situation already
-- in the ledger (notified_situations, sql/004) is left out before its row is built, by ONE
-- primary-key probe per candidate. LEFT JOIN LATERAL ... LIMIT 1 keeps it a probe whatever the
-- statistics say: a plain NOT EXISTS leaves the planner free to hash the whole ledger when its
-- statistics say it is large, or to compare every candidate with every row when they say it is
-- empty, and both cost far more than the probes once the ledger has grown. The
-- rest is claimed in the ledger (ON CONFLICT DO NOTHING: of two checks at once, the second waits
-- for the first and claims nothing), written to `notifications` for the claimed ids only, and
-- queued in the outbox for sending after the commit. Returns the ids this statement created.
-- Index: conversations_active_covering_idx (partial, status = 'active'), sellers_pkey,
-- notified_situations_pkey.
WITH due AS MATERIALIZED (
    SELECT x.id, c.id AS conversation_id, c.tenant_id, c.assigned_seller_id, c.customer_name,
           c.last_message_time, s.name AS seller_name, w.hours_waiting,
           -- the customer's phone where the conversations table has one (CRM Ventas's mirror): its
           -- frontend links a conversation notification to /chat?phone=<metadata.phone>
           to_jsonb(c) ->> 'customer_phone' AS phone
    FROM conversations AS c
    JOIN sellers AS s ON s.id = c.assigned_seller_id AND s.tenant_id = c.tenant_id
    CROSS JOIN LATERAL (
        SELECT 'unanswered_' || c.id || '_' || floor(extract(epoch FROM c.last_message_time))::bigint AS id
    ) AS x
    LEFT JOIN LATERAL (
        SELECT true AS notified FROM notified_situations AS n WHERE n.id = x.id LIMIT 1
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
),
claimed AS (
    INSERT INTO notified_situations (id, tenant_id, type, notified_at)
    SELECT d.id, d.tenant_id, 'unanswered', CAST(:as_of AS timestamptz) FROM due AS d
    ON CONFLICT (id) DO NOTHING
    RETURNING id
),
created AS (
    INSERT INTO notifications (id, tenant_id, type, title, message, priority, recipient_id,
                               related_entity_type, related_entity_id, metadata, created_at, expires_at)
    SELECT d.id,
           d.tenant_id,
           'unanswered',
           format(:t_unanswered_title, coalesce(d.customer_name, :t_unknown_customer)),
           format(:t_unanswered_message, coalesce(d.customer_name, :t_unknown_customer), waited.text,
                  coalesce(d.seller_name, :t_unknown_seller)),
           CASE WHEN d.hours_waiting >= 4 * CAST(:hours AS numeric) THEN 'critical' ELSE 'high' END,
           d.assigned_seller_id,
           'conversation',
           d.conversation_id::text,
           jsonb_build_object('customer_name', d.customer_name, 'seller_name', d.seller_name,
                              'last_message_time', d.last_message_time, 'hours_waiting', d.hours_waiting,
                              'threshold_hours', CAST(:hours AS numeric), 'phone', d.phone),
           CAST(:as_of AS timestamptz),
           CAST(:as_of AS timestamptz) + make_interval(days => CAST(:retention_days AS integer))
    FROM due AS d
    JOIN claimed ON claimed.id = d.id
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
              FROM (SELECT CAST(extract(epoch FROM CAST(:as_of AS timestamptz) - d.last_message_time) AS numeric) AS seconds) AS e
        ) AS w
    ) AS waited
    ON CONFLICT (id) DO NOTHING
    RETURNING id
)
INSERT INTO notification_outbox (id, queued_at)
SELECT created.id, CAST(:as_of AS timestamptz) FROM created
ON CONFLICT (id) DO NOTHING
RETURNING id;
