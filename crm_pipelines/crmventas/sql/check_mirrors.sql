-- What the mapping could only guess, counted for the mirrors' asset checks
-- (docs/crmventas-mapping.md): seller messages told apart only by the legacy route's
-- correlation_id (neither manual_send_ nor hsm_manual_: a person, most likely), and leads whose
-- status is in none of the known vocabularies (they match no rule and convert nothing).
SELECT
    (SELECT count(*) FROM messages
     WHERE sender_type = 'seller'
       AND correlation_id NOT LIKE 'manual\_send\_%' AND correlation_id NOT LIKE 'hsm\_manual\_%')
        AS senders_by_legacy_route,
    (SELECT count(*) FROM leads
     WHERE status NOT IN ('new', 'contacted', 'interested', 'negotiation', 'closed_won', 'closed_lost'))
        AS unknown_lead_statuses,
    (SELECT array_agg(DISTINCT crm_status) FROM leads
     WHERE status NOT IN ('new', 'contacted', 'interested', 'negotiation', 'closed_won', 'closed_lost'))
        AS unknown_statuses;
