-- The ledger of notified situations (sql/004) keeps a situation's id while the situation lasts,
-- so that it is not notified again after its notification expired and was cleaned (SPEC 3). This
-- removes the ids whose situation has ended, each judged by its rule's own conditions (all but
-- the clock: a wait or an idle spell only grows older) and by the id itself, which carries the
-- situation's moment: a conversation answered or with a newer customer message, a lead contacted,
-- moved out of the rule's statuses or below :probability, a follow-up moved, a past day's
-- performance alert (the rule only reads today's row, :today). One primary-key probe per id.
WITH ended AS (
    SELECT l.id
    FROM notified_situations AS l
    WHERE CASE l.type
        WHEN 'unanswered' THEN NOT EXISTS (
            SELECT 1 FROM conversations AS c
            WHERE c.id = CAST(substring(l.id FROM 12 FOR 36) AS uuid)
              AND c.status = 'active'
              AND c.assigned_seller_id IS NOT NULL
              AND c.last_message_from_customer
              AND 'unanswered_' || c.id || '_' || floor(extract(epoch FROM c.last_message_time))::bigint = l.id)
        WHEN 'hot_lead' THEN NOT EXISTS (
            SELECT 1 FROM leads AS x
            WHERE x.id = CAST(substring(l.id FROM 10 FOR 36) AS uuid)
              AND x.status IN ('new', 'contacted')
              AND x.conversion_probability > CAST(:probability AS numeric)
              AND x.conversion_probability <= 1
              AND x.assigned_seller_id IS NOT NULL
              AND 'hot_lead_' || x.id || '_'
                  || coalesce(floor(extract(epoch FROM x.last_contact_time))::bigint, 0) = l.id)
        WHEN 'followup' THEN NOT EXISTS (
            SELECT 1 FROM leads AS x
            WHERE x.id = CAST(substring(l.id FROM 10 FOR 36) AS uuid)
              AND x.status IN ('interested', 'negotiation')
              AND x.assigned_seller_id IS NOT NULL
              AND 'followup_' || x.id || '_' || floor(extract(epoch FROM x.next_follow_up))::bigint = l.id)
        WHEN 'performance_alert' THEN to_date(substring(l.id FROM 50 FOR 8), 'YYYYMMDD') < CAST(:today AS date)
        ELSE false
    END
),
gone AS (
    DELETE FROM notified_situations AS l USING ended WHERE l.id = ended.id RETURNING 1
)
SELECT count(*) FROM gone;
