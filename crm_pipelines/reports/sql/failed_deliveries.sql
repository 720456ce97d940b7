-- Tenants whose report of :report_date has a channel that failed (not merely skipped: a skipped
-- channel is off by configuration, retrying it changes nothing).
SELECT tenant_id
FROM daily_reports
WHERE report_date = :report_date
  AND EXISTS (
      SELECT 1 FROM jsonb_each(delivered_to) AS d(channel, outcome)
      WHERE d.outcome ->> 'status' = 'failed'
  )
ORDER BY tenant_id;
