-- Move one channel of a tenant's report to a new state (:record), only if its state now is one
-- of :from_states ('missing' = never tried). This conditional UPDATE is what makes a claim
-- exclusive: of two runs claiming the same channel, one updates the row and the other gets no
-- row back, so it does not send. A channel `sent` is never in :from_states.
UPDATE daily_reports
SET delivered_to = COALESCE(delivered_to, '{}'::jsonb)
                   || jsonb_build_object(CAST(:channel AS text), CAST(:record AS jsonb))
WHERE tenant_id = :tenant_id
  AND report_date = :report_date
  AND COALESCE(delivered_to -> CAST(:channel AS text) ->> 'status', 'missing') = ANY(CAST(:from_states AS text[]))
RETURNING tenant_id;
