-- What the CRM frontend's bell shows for each recipient (SPEC 4, `notification_count_update`):
-- their unread, unexpired notifications, all of them (the CRM's own included), by priority.
-- Recipients without any still get a row of zeros. Index: notifications_recipient_idx.
SELECT r.recipient_id,
       count(n.id) AS total,
       count(n.id) FILTER (WHERE n.priority = 'critical') AS critical,
       count(n.id) FILTER (WHERE n.priority = 'high') AS high,
       count(n.id) FILTER (WHERE n.priority = 'medium') AS medium,
       count(n.id) FILTER (WHERE n.priority = 'low') AS low
FROM unnest(CAST(:recipients AS uuid[])) AS r (recipient_id)
LEFT JOIN notifications AS n
       ON n.recipient_id = r.recipient_id
      AND NOT n.read
      AND (n.expires_at IS NULL OR n.expires_at > CAST(:now AS timestamptz))
GROUP BY r.recipient_id
ORDER BY r.recipient_id;
