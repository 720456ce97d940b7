-- Record how a claimed send ended (sent, failed) or that it was interrupted, only for the claim
-- that made it (:claim): a late write of a run that lost its claim cannot overwrite another's.
-- Writing the same outcome again is a no-op, so the write can be retried after a dropped
-- connection whose commit may or may not have happened.
UPDATE daily_reports
SET delivered_to = delivered_to || jsonb_build_object(CAST(:channel AS text), CAST(:record AS jsonb))
WHERE tenant_id = :tenant_id
  AND report_date = :report_date
  AND delivered_to -> CAST(:channel AS text) ->> 'claim' = CAST(:claim AS text)
  AND delivered_to -> CAST(:channel AS text) ->> 'status' IN ('pending', 'interrupted', CAST(:status AS text))
RETURNING tenant_id;
