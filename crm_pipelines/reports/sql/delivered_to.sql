-- What each channel already did with a tenant's report of a day (read under the delivery lock).
SELECT delivered_to
FROM daily_reports
WHERE tenant_id = :tenant_id AND report_date = :report_date;
