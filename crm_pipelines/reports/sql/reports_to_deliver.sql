-- The stored reports of a day with what delivery needs: the payload and the tenant's CEO.
SELECT r.tenant_id, r.report_date, r.payload, t.ceo_email
FROM daily_reports r
JOIN tenants t ON t.id = r.tenant_id
WHERE r.report_date = :report_date
ORDER BY r.tenant_id;
