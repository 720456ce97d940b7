-- Store the day's reports of every tenant in one statement. A re-materialization replaces the
-- payload and html but keeps delivered_to: what a channel already took is never sent again.
INSERT INTO daily_reports (tenant_id, report_date, payload, html, created_at)
SELECT r.tenant_id, r.report_date, r.payload, r.html, now()
FROM jsonb_to_recordset(CAST(:reports AS jsonb))
     AS r(tenant_id integer, report_date date, payload jsonb, html text)
ON CONFLICT (tenant_id, report_date) DO UPDATE
SET payload = EXCLUDED.payload,
    html = EXCLUDED.html,
    created_at = EXCLUDED.created_at;
