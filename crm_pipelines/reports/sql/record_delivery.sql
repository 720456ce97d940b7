-- Record one channel's outcome, right after the attempt, so a crash later in the run cannot
-- make a later run send it again. A channel marked sent is never overwritten.
UPDATE daily_reports
SET delivered_to = delivered_to || jsonb_build_object(CAST(:channel AS text), CAST(:outcome AS jsonb))
WHERE tenant_id = :tenant_id
  AND report_date = :report_date
  AND COALESCE(delivered_to -> CAST(:channel AS text) ->> 'status', '') <> 'sent';
