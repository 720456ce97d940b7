-- The sensor's cheap question: which situations of the clock-driven rules are due at :as_of and
-- have no notification yet? Same conditions and ids as unanswered.sql, hot_lead.sql and
-- followup.sql (a test holds them together); the probe of the ledger's primary key
-- (notified_situations) leaves out what a run already notified. One row per rule with the count and a digest of the ids,
-- which names the situation in the run_key.
-- Indexes: the three rule indexes, sellers_pkey, and notified_situations_pkey for the probe.
WITH due AS (
    SELECT 'unanswered' AS rule,
           'unanswered_' || c.id || '_' || floor(extract(epoch FROM c.last_message_time))::bigint AS id
    FROM conversations AS c
    JOIN sellers AS s ON s.id = c.assigned_seller_id AND s.tenant_id = c.tenant_id
    WHERE c.status = 'active'
      AND c.assigned_seller_id IS NOT NULL
      AND c.last_message_from_customer
      AND c.last_message_time < CAST(:as_of AS timestamptz)
                                - make_interval(secs => CAST(:hours AS double precision) * 3600)
    UNION ALL
    SELECT 'hot_lead',
           'hot_lead_' || l.id || '_' || coalesce(floor(extract(epoch FROM l.last_contact_time))::bigint, 0)
    FROM leads AS l
    JOIN sellers AS s ON s.id = l.assigned_seller_id AND s.tenant_id = l.tenant_id
    WHERE l.status IN ('new', 'contacted')
      AND l.conversion_probability > CAST(:probability AS numeric)
      AND l.conversion_probability <= 1
      AND l.assigned_seller_id IS NOT NULL
      AND (l.last_contact_time IS NULL
           OR l.last_contact_time < CAST(:as_of AS timestamptz)
                                    - make_interval(secs => CAST(:idle_hours AS double precision) * 3600))
    UNION ALL
    SELECT 'followup',
           'followup_' || l.id || '_' || floor(extract(epoch FROM l.next_follow_up))::bigint
    FROM leads AS l
    JOIN sellers AS s ON s.id = l.assigned_seller_id AND s.tenant_id = l.tenant_id
    WHERE l.status IN ('interested', 'negotiation')
      AND l.next_follow_up <= CAST(:as_of AS timestamptz)
      AND l.assigned_seller_id IS NOT NULL
)
SELECT due.rule, count(*) AS due, md5(string_agg(due.id, ',' ORDER BY due.id)) AS digest
FROM due
-- one primary-key probe per situation, whatever the statistics say (unanswered.sql says why)
LEFT JOIN LATERAL (
    SELECT true AS notified FROM notified_situations AS n WHERE n.id = due.id LIMIT 1
) AS done ON true
WHERE done.notified IS NULL
GROUP BY due.rule;
