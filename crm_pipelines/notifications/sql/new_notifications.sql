-- The rows a check has just created and committed, read back by id (notifications_pkey) a chunk
-- at a time for sending: a first check on a large backlog creates hundreds of thousands, which
-- must not all sit in the run's memory at once.
SELECT id, tenant_id, type, title, message, priority, recipient_id, related_entity_type,
       related_entity_id, created_at
FROM notifications
WHERE id = ANY(CAST(:ids AS varchar[]))
ORDER BY created_at, id;
