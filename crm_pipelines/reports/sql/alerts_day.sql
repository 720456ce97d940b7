-- Notifications created on the local day :day (CRM_TIMEZONE :tz), per tenant and type.
SELECT tenant_id, type, count(*) AS created
FROM notifications
WHERE created_at >= (CAST(:day AS date)::timestamp AT TIME ZONE :tz)
  AND created_at < ((CAST(:day AS date) + 1)::timestamp AT TIME ZONE :tz)
GROUP BY tenant_id, type
ORDER BY tenant_id, type;
