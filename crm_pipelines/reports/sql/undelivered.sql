-- Tenants whose report of :report_date a delivery run should look at again, with the channels
-- that need it: a channel that failed; a channel left `pending` before :settled_before (a live
-- delivery's pending is newer; an older one was left by a run that stopped mid-send); a channel
-- never tried although the report was stored before :settled_before (the delivery sensor's run
-- had its chance: it was killed, or its PostgreSQL connection dropped). `skipped` channels are off
-- by configuration and `interrupted` ones wait for a person: a run changes nothing for them.
SELECT r.tenant_id, array_agg(c.channel ORDER BY c.channel) AS channels
FROM daily_reports r
CROSS JOIN unnest(CAST(:channels AS text[])) AS c(channel)
WHERE r.report_date = :report_date
  AND (
      r.delivered_to -> c.channel ->> 'status' = 'failed'
      OR (r.delivered_to -> c.channel ->> 'status' = 'pending'
          AND CAST(r.delivered_to -> c.channel ->> 'at' AS timestamptz) < :settled_before)
      OR (r.delivered_to -> c.channel IS NULL AND r.created_at < :settled_before)
  )
GROUP BY r.tenant_id
ORDER BY r.tenant_id;
