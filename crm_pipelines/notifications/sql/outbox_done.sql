-- Sent: out of the outbox.
DELETE FROM notification_outbox WHERE id = ANY(CAST(:ids AS varchar[]));
