-- The open leads the notification rules and seller_metrics read every few minutes (hot leads:
-- new/contacted above a probability; follow-ups: interested/negotiation by due time), with every
-- column those statements take from them in the index, so that a check is an index-only scan.
-- At the benchmark's large scale (a million leads, 100,000 hot and 170,000 due follow-ups) the
-- bitmap heap scans of 003's indexes read 16,000 pages of `leads` per rule and check. These
-- replace 003's leads_hot_open_idx and leads_followup_due_idx (same keys and predicates).
CREATE INDEX IF NOT EXISTS leads_hot_open_covering_idx
    ON leads (conversion_probability)
    INCLUDE (id, tenant_id, assigned_seller_id, conversation_id, created_at, last_contact_time)
    WHERE status IN ('new', 'contacted');
DROP INDEX IF EXISTS leads_hot_open_idx;

CREATE INDEX IF NOT EXISTS leads_followup_due_covering_idx
    ON leads (next_follow_up)
    INCLUDE (id, tenant_id, assigned_seller_id, conversation_id, created_at, status)
    WHERE status IN ('interested', 'negotiation');
DROP INDEX IF EXISTS leads_followup_due_idx;
