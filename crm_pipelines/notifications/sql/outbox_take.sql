-- The next chunk of the outbox, oldest first, locked for this transaction: a concurrent check
-- skips these rows (SKIP LOCKED) and takes the next ones, so no event is sent twice by two
-- checks at once. Index: notification_outbox_queued_idx.
SELECT o.id
FROM notification_outbox AS o
ORDER BY o.queued_at, o.id
LIMIT :chunk
FOR UPDATE SKIP LOCKED;
